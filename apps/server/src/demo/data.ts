// Norwegian-looking demo data: real municipality numbers (2024), real street and place names,
// invented people and companies. Organisation numbers are made valid (mod-11), not real.

export const PLACES = [
  {
    municipality: '0301',
    city: 'Oslo',
    postalCodes: ['0150', '0257', '0358', '0468', '0558', '0661', '0773', '0870'],
    streets: [
      'Bogstadveien',
      'Thereses gate',
      'Trondheimsveien',
      'Kirkeveien',
      'Grünerløkka allé',
      'Sognsveien',
      'Ekebergveien',
      'Holmenkollveien',
    ],
  },
  {
    municipality: '4601',
    city: 'Bergen',
    postalCodes: ['5003', '5006', '5009', '5015', '5035', '5057'],
    streets: ['Bryggen', 'Kalfarveien', 'Nygårdsgaten', 'Fjøsangerveien', 'Sandviksveien', 'Strandgaten'],
  },
  {
    municipality: '5001',
    city: 'Trondheim',
    postalCodes: ['7011', '7013', '7030', '7041', '7052'],
    streets: ['Munkegata', 'Kongens gate', 'Innherredsveien', 'Elgeseter gate', 'Byåsveien'],
  },
  {
    municipality: '1103',
    city: 'Stavanger',
    postalCodes: ['4005', '4010', '4014', '4021'],
    streets: ['Løkkeveien', 'Kongsgårdbakken', 'Madlaveien', 'Hillevågsveien'],
  },
  {
    municipality: '3201',
    city: 'Bærum',
    postalCodes: ['1337', '1348', '1357', '1363'],
    streets: ['Sandviksveien', 'Gamle Drammensvei', 'Løkkeåsveien', 'Bærumsveien'],
  },
  {
    municipality: '4204',
    city: 'Kristiansand',
    postalCodes: ['4608', '4610', '4631'],
    streets: ['Markens gate', 'Dronningens gate', 'Vestre Strandgate'],
  },
  {
    municipality: '5501',
    city: 'Tromsø',
    postalCodes: ['9008', '9010', '9019'],
    streets: ['Storgata', 'Skippergata', 'Kvaløyvegen'],
  },
  {
    municipality: '3301',
    city: 'Drammen',
    postalCodes: ['3015', '3017', '3044'],
    streets: ['Bragernes torg', 'Tollbugata', 'Konnerudgata'],
  },
  {
    municipality: '1804',
    city: 'Bodø',
    postalCodes: ['8006', '8011', '8013'],
    streets: ['Storgata', 'Sjøgata', 'Rønvikveien'],
  },
  {
    municipality: '3405',
    city: 'Lillehammer',
    postalCodes: ['2609', '2615', '2619'],
    streets: ['Storgata', 'Anders Sandvigs gate', 'Kirkegata'],
  },
] as const;

export const FIRST_NAMES = [
  'Kari',
  'Ola',
  'Ingrid',
  'Lars',
  'Sigrid',
  'Magnus',
  'Nora',
  'Henrik',
  'Emma',
  'Jonas',
  'Astrid',
  'Erik',
  'Maja',
  'Sindre',
  'Hanne',
  'Tor',
];
export const LAST_NAMES = [
  'Nordmann',
  'Hansen',
  'Johansen',
  'Olsen',
  'Larsen',
  'Andersen',
  'Pedersen',
  'Nilsen',
  'Kristiansen',
  'Berg',
  'Haugen',
  'Bakken',
];

export const ORGANISATIONS = [
  { name: 'Nordfjord Sparebank', kind: 'bank' },
  { name: 'Vestlandsbanken ASA', kind: 'bank' },
  { name: 'Fjellheim Eiendomsmegling AS', kind: 'broker' },
  { name: 'Kystmegleren AS', kind: 'broker' },
  { name: 'Bolig og Bygg Utvikling AS', kind: 'developer' },
  { name: 'Skadeservice Norge AS', kind: 'insurer' },
] as const;

export const APPRAISERS = [
  { name: 'Bjørn Takstad', areas: ['condition', 'valuation', 'area_measurement'] },
  { name: 'Siri Vurdal', areas: ['valuation', 'condition'] },
  { name: 'Per Skadeby', areas: ['damage', 'condition'] },
  { name: 'Liv Energisen', areas: ['energy', 'condition'] },
  { name: 'Anders Arealsen', areas: ['area_measurement', 'valuation'] },
  { name: 'Marit Helgesen', areas: ['condition', 'damage', 'energy'] },
  { name: 'Knut Ordner', areas: ['valuation'] },
] as const;

export const CONDITION_ITEMS = [
  {
    section: 'Våtrom',
    room: 'Bad 1. etasje',
    buildingPart: 'Membran og sluk',
    grade: 'TG2',
    description: 'Fall mot sluk er for lite; fukt målt ved terskel.',
    costEstimate: '10k_50k',
  },
  { section: 'Tak', buildingPart: 'Taktekking', grade: 'TG1', description: 'Normal slitasje for alder.' },
  { section: 'Yttervegger', buildingPart: 'Kledning', grade: 'TG1', description: 'Behov for maling innen få år.' },
  {
    section: 'Kjeller',
    room: 'Bod',
    buildingPart: 'Drenering',
    grade: 'TG3',
    description: 'Fuktskjolder og saltutslag på grunnmur; drenering antatt utgått.',
    costEstimate: '100k_300k',
  },
  {
    section: 'Elektrisk anlegg',
    buildingPart: 'Sikringsskap',
    grade: 'TGIU',
    description: 'Ikke undersøkt; anbefaler kontroll av elektriker.',
  },
  {
    section: 'Vinduer og dører',
    buildingPart: 'Vinduer',
    grade: 'TG2',
    description: 'Punkterte glass i stue.',
    costEstimate: 'under_10k',
  },
  { section: 'Kjøkken', room: 'Kjøkken', buildingPart: 'Avtrekk', grade: 'TG0', description: 'Nytt i 2024.' },
] as const;

/** A deterministic pseudo-random sequence (mulberry32), so every demo database looks the same. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A valid (mod-11) organisation number starting with 9, made from `n`. */
export function organisationNumber(n: number): string {
  const weights = [3, 2, 7, 6, 5, 4, 3, 2];
  for (let candidate = n; ; candidate++) {
    const body = `9${String(candidate % 10_000_000).padStart(7, '0')}`;
    const sum = [...body].reduce((acc, digit, i) => acc + Number(digit) * (weights[i] ?? 0), 0);
    const check = (11 - (sum % 11)) % 11;
    if (check !== 10) return `${body}${check}`;
  }
}
