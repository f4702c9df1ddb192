import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium } from './support/chromium';
import { checkPage, signInAs } from './support/console-browser';
import { assignmentInput } from './support/fixtures';
import { invitePerson, type TestPerson } from './support/people';
import { startTestServer, type TestServer } from './support/server';

// The console in a real browser against the real server: the people of a firm doing their work
// through the pages alone. Every page visited is checked with axe-core (no serious or critical
// violation) and photographed (docs/console/ with TAKST_CONSOLE_SCREENSHOTS=1).
const hasChromium = chromiumAvailable('the console end-to-end test');

// A street of its own, so that support's search finds this assignment and nothing else.
const STREET = `Fjordveien ${process.pid % 1000}`;

let server: TestServer;
let browser: Browser;
let appraiserId: string;
let assignmentId: string;
let reference: string;
const people = {} as Record<'appraiser' | 'reviewer' | 'support' | 'admin', TestPerson>;
const pages: Page[] = [];

beforeAll(async () => {
  if (!hasChromium) return;
  server = await startTestServer({ env: { TAKST_WEBHOOKS_ALLOW_PRIVATE_URLS: 'loopback' } });
  const certified = { certifications: [{ area: 'condition' as const, validFrom: '2020-01-01', validTo: null }] };
  appraiserId = (await server.admin.appraisers.create.mutate({ name: 'Astrid Takstmann', ...certified })).id;
  people.appraiser = await invitePerson(server, ['appraiser'], { appraiserId, name: 'Astrid Takstmann' });
  people.reviewer = await invitePerson(server, ['reviewer'], { name: 'Rolf Fagansvarlig' });
  people.support = await invitePerson(server, ['support'], { name: 'Sara Kundestøtte' });
  people.admin = await invitePerson(server, ['admin'], { name: 'Ada Administrator' });
  // The order comes from a booking tool, over the API, as orders do.
  const ordered = await server.admin.assignments.create.mutate(
    assignmentInput({
      property: {
        address: { street: STREET, postalCode: '5003', city: 'Bergen' },
        cadastre: { municipality: '4601', gnr: 164, bnr: 2 },
      },
    }),
  );
  assignmentId = ordered.id;
  reference = ordered.reference;
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  for (const page of pages) await page.context().close();
  await browser?.close();
  await server?.close();
});

async function as(person: TestPerson): Promise<Page> {
  const page = await signInAs(browser, server.url, person);
  pages.push(page);
  return page;
}

describe.skipIf(!hasChromium)('the console, in Chromium', () => {
  it('shows the sign-in page to a stranger, and sends them back where they were going', async () => {
    const context = await browser.newContext({ baseURL: server.url, locale: 'nb-NO' });
    const page = await context.newPage();
    pages.push(page);
    await page.goto('/oppdrag');
    await expect.poll(() => new URL(page.url()).pathname).toBe('/logg-inn');
    await checkPage(page, 'sign-in');
    await page.getByLabel('E-post').fill(people.support.email);
    await page.getByLabel('Passord').fill('not the password');
    await page.getByRole('button', { name: 'Logg inn', exact: true }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('Feil e-post eller passord');
  });

  it('support finds the new order by its address from the work queue', async () => {
    const page = await as(people.support);
    await page.getByRole('heading', { name: 'Statusoversikt' }).waitFor();
    await checkPage(page, 'work-queue-support');
    await page.getByLabel('Søk etter adresse, referanse eller kunde').fill(STREET);
    await page.getByRole('button', { name: 'Søk', exact: true }).click();
    await expect.poll(() => new URL(page.url()).pathname).toBe('/oppdrag');
    const row = page.getByRole('row').filter({ hasText: reference });
    await row.waitFor();
    expect(await page.locator('main table tbody tr').count()).toBe(1);
    await checkPage(page, 'assignment-list');
  });

  it('support assigns it, the appraiser inspects and writes, the reviewer approves and delivers, all in the pages', async () => {
    const support = await as(people.support);
    await support.goto(`/oppdrag/${assignmentId}`);
    await support.getByRole('combobox', { name: /^Velg takstmann/ }).selectOption({ label: 'Astrid Takstmann' });
    await support.getByRole('button', { name: 'Tildel', exact: true }).click();
    await support.getByText('Astrid Takstmann er tildelt oppdraget.').waitFor();

    const appraiser = await as(people.appraiser);
    await appraiser.goto(`/oppdrag/${assignmentId}`);
    const move = async (page: Page, label: string) => {
      await page.getByRole('button', { name: `Flytt til «${label}»` }).click();
      await page.getByText(`Oppdraget er nå «${label}».`).waitFor();
    };
    await move(appraiser, 'Bekreftet');
    const booking = appraiser.getByRole('form', { name: 'Book befaring' });
    await booking.getByLabel('Dato').fill('2027-03-10');
    await booking.getByLabel('Fra kl.').fill('09:00');
    await booking.getByLabel('Til kl.').fill('10:30');
    await booking.getByRole('button', { name: 'Book befaring' }).click();
    await appraiser.getByRole('button', { name: 'Marker gjennomført' }).click();
    await appraiser.getByRole('cell', { name: 'Gjennomført', exact: true }).waitFor();
    await appraiser.reload();
    await move(appraiser, 'Rapport skrives');
    await appraiser.getByRole('link', { name: 'Åpne rapporten' }).click();
    await appraiser.getByRole('button', { name: 'Start rapporten' }).click();
    await appraiser.getByRole('button', { name: 'Legg til bygningsdel' }).click();
    await appraiser.getByLabel('Del av boligen').fill('Bad');
    await appraiser.getByLabel('Bygningsdel', { exact: true }).fill('Sluk og membran');
    await appraiser.getByLabel('Tilstandsgrad').selectOption('TG2');
    await appraiser.getByLabel('Beskrivelse').fill('Fuktmerker rundt sluket; membranen er over 20 år gammel.');
    await expect
      .poll(
        () =>
          appraiser
            .getByRole('status')
            .filter({ hasText: /^Lagret$/ })
            .count(),
        { timeout: 10_000 },
      )
      .toBe(1);
    await checkPage(appraiser, 'report-editor');
    await appraiser.getByRole('button', { name: 'Send til kontroll' }).click();
    await appraiser.getByRole('heading', { name: 'Versjon 1: Til kontroll' }).waitFor();
    await appraiser.getByRole('link', { name: 'Tilbake til oppdraget' }).click();
    await move(appraiser, 'Til kontroll');

    const reviewer = await as(people.reviewer);
    await reviewer.getByRole('heading', { name: 'Til kontroll' }).waitFor();
    await reviewer.getByRole('link', { name: reference }).first().waitFor();
    await checkPage(reviewer, 'work-queue-reviewer');
    await reviewer.goto(`/oppdrag/${assignmentId}/rapport`);
    await reviewer.getByRole('button', { name: 'Godkjenn' }).click();
    await reviewer.getByRole('heading', { name: 'Versjon 1: Godkjent' }).waitFor();
    await reviewer.getByRole('button', { name: 'Lever rapporten' }).click();
    await reviewer.getByRole('heading', { name: 'Versjon 1: Levert' }).waitFor();
    await checkPage(reviewer, 'report-delivered');

    const delivered = await server.admin.assignments.get.query({ id: assignmentId });
    expect(delivered.status).toBe('delivered');
    const [report] = (await server.admin.reports.list.query({ assignmentId })).items;
    expect(report).toMatchObject({ status: 'delivered', authorId: appraiserId });
    const audit = await server.admin.audit.list.query({ entityId: assignmentId, limit: 100 });
    const names = new Set(audit.items.map((entry) => entry.user?.name));
    for (const name of ['Sara Kundestøtte', 'Astrid Takstmann', 'Rolf Fagansvarlig']) expect(names).toContain(name);

    // Support finds it again by its address and adds a note; the page shows it at once.
    await support.goto('/');
    await support.getByLabel('Søk etter adresse, referanse eller kunde').fill(STREET);
    await support.getByRole('button', { name: 'Søk', exact: true }).click();
    await support.getByRole('link', { name: reference }).click();
    await support.getByLabel('Nytt notat').fill('Kunden har fått rapporten og takker.');
    await support.getByRole('button', { name: 'Legg til notat' }).click();
    await support.getByText('Kunden har fått rapporten og takker.').first().waitFor();
    await checkPage(support, 'assignment-detail');
  }, 180_000);

  it('shows a change made elsewhere without a reload: a booking tool moving the inspection', async () => {
    const page = await as(people.appraiser);
    await page.goto(`/oppdrag/${assignmentId}`);
    await page.getByRole('heading', { name: 'Befaringer' }).waitFor();
    await page.getByText('Direkte').waitFor();
    const other = await server.admin.assignments.create.mutate(assignmentInput());
    const assigned = await server.admin.assignments.assign.mutate({
      id: other.id,
      appraiserId,
      expectedVersion: other.version,
    });
    await page.goto(`/oppdrag/${assigned.id}`);
    await page.getByText('Ingen befaringer ennå.').waitFor();
    const booked = await server.admin.inspections.book.mutate({
      assignmentId: assigned.id,
      appraiserId,
      startsAt: '2027-04-06T12:00:00+02:00',
      endsAt: '2027-04-06T13:00:00+02:00',
    });
    await page.getByText('6. apr. 2027 12:00–13:00').waitFor({ timeout: 10_000 });
    await server.admin.inspections.reschedule.mutate({
      id: booked.id,
      expectedVersion: booked.version,
      startsAt: '2027-04-07T08:00:00+02:00',
      endsAt: '2027-04-07T09:00:00+02:00',
    });
    await page.getByText('7. apr. 2027 08:00–09:00').waitFor({ timeout: 10_000 });
    expect(await page.getByText('flyttet 1 gang').count()).toBe(1);
  }, 60_000);

  it('says who changed a draft meanwhile, keeps what was typed, and offers to reload', async () => {
    const order = await server.admin.assignments.create.mutate(assignmentInput());
    await server.admin.assignments.assign.mutate({ id: order.id, appraiserId, expectedVersion: order.version });
    const item = { section: 'Tak', buildingPart: 'Taktekking', grade: 'TG1' as const, description: 'Slitt' };
    const draft = await server.admin.reports.createDraft.mutate({
      assignmentId: order.id,
      authorId: appraiserId,
      content: { kind: 'condition', standardVersion: 'NS3600:2018', items: [item] },
    });
    const page = await as(people.appraiser);
    await page.goto(`/oppdrag/${order.id}/rapport`);
    await page.getByLabel('Beskrivelse').waitFor();
    await server.admin.reports.updateDraft.mutate({
      id: draft.id,
      expectedVersion: draft.version,
      content: {
        kind: 'condition',
        standardVersion: 'NS3600:2018',
        items: [{ ...item, description: 'Fra verktøyet' }],
      },
    });
    await page.getByLabel('Beskrivelse').fill('Skrevet i konsollen');
    const conflict = page.getByRole('alert').filter({ hasText: 'endret rapporten' });
    await conflict.waitFor({ timeout: 10_000 });
    expect(await conflict.textContent()).toContain('bootstrap-admin');
    expect(await page.getByLabel('Beskrivelse').inputValue()).toBe('Skrevet i konsollen');
    await page.getByRole('button', { name: 'Last inn den nye versjonen' }).click();
    await expect.poll(() => page.getByLabel('Beskrivelse').inputValue()).toBe('Fra verktøyet');
  }, 60_000);

  it('an appraiser sees their week in the calendar', async () => {
    const page = await as(people.appraiser);
    await page.getByRole('heading', { name: 'Mine oppdrag' }).waitFor();
    await checkPage(page, 'work-queue-appraiser');
    await page.getByRole('link', { name: 'Kalender' }).click();
    await page.getByRole('heading', { level: 1 }).waitFor();
    await checkPage(page, 'calendar');
  });

  it('an admin creates an API client and a webhook, each secret shown once, and follows the events', async () => {
    const page = await as(people.admin);
    await page.getByRole('link', { name: 'Administrasjon' }).click();
    await page.getByRole('heading', { name: 'Brukere og roller', level: 1 }).waitFor();
    await checkPage(page, 'admin-users');

    await page.getByRole('link', { name: 'API-klienter' }).click();
    await page.getByRole('button', { name: 'Ny API-klient' }).click();
    await page.getByRole('textbox', { name: /^Navn/ }).fill('Bookingverktøy');
    await page.getByRole('checkbox', { name: /assignments:read$/ }).check();
    await page.getByRole('button', { name: 'Opprett API-klient' }).click();
    const key = page.getByRole('textbox', { name: 'API-nøkkel', exact: true });
    await key.waitFor();
    expect(await key.inputValue()).toMatch(/^tk_/);
    await checkPage(page, 'admin-api-clients');
    const created = (await server.admin.apiClients.list.query()).items.find((c) => c.name === 'Bookingverktøy');
    expect(created?.scopes).toEqual(['assignments:read']);

    await page.getByRole('link', { name: 'Webhooks' }).click();
    await page.getByRole('button', { name: 'Ny webhook' }).click();
    await page.getByRole('textbox', { name: /^Adresse \(URL\)/ }).fill('http://127.0.0.1:9/takst-hooks');
    await page.getByRole('button', { name: 'Opprett webhook' }).click();
    const secret = page.getByRole('textbox', { name: 'Hemmelighet', exact: true });
    await secret.waitFor();
    expect(await secret.inputValue()).toMatch(/^whsec_/);
    await checkPage(page, 'admin-webhooks');
    const hooks = await server.admin.webhooks.list.query({});
    expect(hooks.items.map((hook) => hook.url)).toContain('http://127.0.0.1:9/takst-hooks');

    await page.getByRole('link', { name: 'Hendelser' }).click();
    await page.getByRole('heading', { level: 1 }).waitFor();
    // The feed shows what happens after it opened: a note now and then until the stream is up.
    await expect
      .poll(
        async () => {
          await server.admin.notes.add.mutate({ assignmentId, author: 'Bookingverktøy', text: 'Kunden ringte' });
          return page.getByText('note.added').count();
        },
        { timeout: 20_000, interval: 1_000 },
      )
      .toBeGreaterThan(0);
    await checkPage(page, 'admin-events');
  }, 90_000);
});
