/** The words of the queue pages (see common.ts for the firm's words used everywhere). */
export const queueText = {
  title: 'Arbeidskø',
  mine: {
    title: 'Mine oppdrag',
    intro: 'Oppdragene du er takstmann på, med den snareste fristen først.',
    status: 'Vis status',
    allOpen: 'Alle åpne',
    caption: 'Mine åpne oppdrag, snareste frist først',
    noAppraiserRecord:
      'Brukeren din er ikke koblet til en takstmann, så du har ingen egne oppdrag. Be en administrator koble deg.',
    empty: 'Du har ingen oppdrag med denne statusen.',
  },
  review: {
    title: 'Til kontroll',
    intro: 'Oppdrag med rapport som venter på fagansvarlig, med den snareste fristen først.',
    caption: 'Oppdrag til kontroll, snareste frist først',
    empty: 'Ingen oppdrag venter på kontroll.',
    ownAssignment: 'Ditt eget oppdrag – kontrolleres av en annen fagansvarlig',
  },
  search: {
    title: 'Finn oppdrag',
    label: 'Søk etter adresse, referanse eller kunde',
    submit: 'Søk',
    tooShort: 'Skriv minst to tegn.',
  },
  board: {
    title: 'Statusoversikt',
    intro: 'Antall oppdrag i hver status. Velg en status for å se oppdragene.',
    atLeast: (count: number) => `${count}+`,
    /** Read after the status, so a link says "12 Mottatt oppdrag". */
    assignments: 'oppdrag',
    capNote: (cap: number) => `Tall over ${cap} vises som «${cap}+»: plattformen teller ikke lenger enn én side.`,
    counting: 'Teller …',
    failed: 'Kunne ikke telle',
  },
} as const;
