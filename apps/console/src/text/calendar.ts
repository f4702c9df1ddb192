/** The words of the calendar pages (see common.ts for the firm's words used everywhere). */
export const calendarText = {
  title: 'Kalender',
  week: (week: number, range: string) => `Uke ${week} · ${range}`,
  navigation: 'Velg uke',
  previousWeek: 'Forrige uke',
  thisWeek: 'Denne uken',
  nextWeek: 'Neste uke',
  appraiser: 'Takstmann',
  allAppraisers: 'Alle takstmenn side om side',
  inactive: (name: string) => `${name} (inaktiv)`,
  weekOf: (name: string) => `Befaringer for ${name}`,
  allCaption: 'Befaringer denne uken for hver takstmann, mandag til søndag',
  dayColumn: 'Takstmann',
  noInspections: 'Ingen befaringer',
  noAppraisers: 'Det finnes ingen takstmenn.',
  today: 'i dag',
  count: (count: number) =>
    count === 0
      ? 'Ingen befaringer denne uken.'
      : count === 1
        ? 'Én befaring denne uken.'
        : `${count} befaringer denne uken.`,
  counting: 'Teller befaringer …',
  truncated: (count: number) => `Viser de første ${count} befaringene; uken har flere.`,
  noAppraiserRecord:
    'Brukeren din er ikke koblet til en takstmann, så du har ingen egen kalender. Be en administrator koble deg.',
  loadingAssignment: 'Henter oppdraget …',
  time: (from: string, to: string) => `${from}–${to}`,
  inspectionStatus: {
    booked: 'Booket',
    rescheduled: 'Flyttet',
    cancelled: 'Avlyst',
    completed: 'Gjennomført',
  },
} as const;
