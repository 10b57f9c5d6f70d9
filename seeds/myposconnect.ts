import type { SeedSpec } from '../src/core/store.js';
import { CUSTOM_FIELDS, type Customer, type CustomField, type MyposData } from '../src/vendors/myposconnect/model.js';
import { REFERENCE_DATE } from './reference.js';

/** Builds a tenant's MYPOS Connect data for a seed spec. */
export async function seedMyposConnect(spec: SeedSpec): Promise<MyposData> {
  if (spec.dataset === 'empty') return { ...fresh(), customers: [], next: { customerCode: FIRST_CODE } };
  const customers = docsCustomers();
  const data: MyposData = { ...fresh(), customers, next: { customerCode: lastCode(customers) + 1 } };
  if (spec.dataset === 'demo') await addGenerated(data, spec);
  return data;
}

/** The first code of the system's 7-digit sequence. */
const FIRST_CODE = 1_000_001;

/** What every dataset starts from: all permissions granted, no token issued yet. */
function fresh(): Pick<MyposData, 'permissions' | 'tokens'> {
  return { permissions: { read: true, write: true, delete: true }, tokens: { day: '', issued: 0 } };
}

function lastCode(customers: Customer[]): number {
  return customers.reduce((max, customer) => Math.max(max, customer.id), FIRST_CODE - 1);
}

/** cC_001 to cC_010, all empty. */
function noCustomFields(): Record<CustomField, null> {
  return Object.fromEntries(CUSTOM_FIELDS.map((field) => [field, null])) as Record<CustomField, null>;
}

// The store the seeded customers belong to: its staff sign in on the tills (POS1, POS2) and the
// back office (Web); writes through the API are "API" on "Web".
const STORE_DOMAIN = 'maplecrest.example';
const ADMIN = `admin@${STORE_DOMAIN}`;

/** A customer with every field empty or zero, for the docs customers to fill in. */
function blankCustomer(): Omit<
  Customer,
  | 'id'
  | 'customerId'
  | 'customerCode'
  | 'customerName'
  | 'creationDateUTC'
  | 'lastEditDateUTC'
  | 'lastEditUser'
  | 'creationUser'
  | 'lastEditDevice'
  | 'creationDevice'
> {
  return {
    firstName: null,
    lastName: null,
    address: null,
    city: null,
    region: null,
    postalCode: null,
    country: null,
    phoneNumber: null,
    faxNumber: null,
    emailAddress: null,
    webSite: null,
    creditLimit: 0,
    notes: null,
    active: true,
    customerType: null,
    rewardsCollector: false,
    rewardsNumber: null,
    rewardsValue: 0,
    allowMailing: false,
    allowDataShare: false,
    discountPercent: 0,
    priceBand: 1,
    balance: 0,
    firstSaledate: null,
    lastSaledate: null,
    bankSortCode: null,
    bankAccount: null,
    bankAccountName: null,
    correspondenceEmail: false,
    correspondencePaper: false,
    ...noCustomFields(),
  };
}

/**
 * The vendor's sample customer (1000070, the GUID of the docs' get example) and the first five of
 * the store's sequence, 1000001 to 1000005, made up so the docs' example calls answer something:
 * three of them were last edited inside the list example's window (2020-10-01 09:00 to 2022-12-31
 * 09:00), one after it and one before it. The codes between were customers since deleted (codes
 * are never reused); a customer added next gets 1000071, the code after the sample's.
 */
function docsCustomers(): Customer[] {
  return [
    {
      ...blankCustomer(),
      id: 1000001,
      customerId: '3f6d2b8e-91c4-4a57-8e0d-5b7a1c2e9f40',
      customerCode: '1000001',
      customerName: 'Margaret Thompson',
      firstName: 'Margaret',
      lastName: 'Thompson',
      address: '84 Victoria Street North',
      city: 'Kitchener',
      region: 'Ontario',
      postalCode: 'N2H 5B7',
      country: 'Canada',
      phoneNumber: '519-555-0147',
      emailAddress: 'margaret.thompson@rogers.com',
      notes: 'Prefers email receipts.',
      customerType: 'Senior',
      rewardsCollector: true,
      rewardsNumber: '7000104421',
      rewardsValue: 480,
      allowMailing: true,
      discountPercent: 5,
      firstSaledate: '2020-02-03T15:12:40.263Z',
      lastSaledate: '2022-11-12T18:04:51.920Z',
      correspondenceEmail: true,
      creationDateUTC: '2020-02-03T15:09:22.518Z',
      lastEditDateUTC: '2022-11-14T16:22:05.731Z',
      lastEditUser: ADMIN,
      creationUser: ADMIN,
      lastEditDevice: 'POS1',
      creationDevice: 'POS1',
    },
    {
      ...blankCustomer(),
      id: 1000002,
      customerId: 'a8c41e07-5d2b-4f93-b6e8-0c9d7f3a2b15',
      customerCode: '1000002',
      customerName: 'Hillcrest Landscaping Ltd.',
      firstName: 'Kevin',
      lastName: 'Doyle',
      address: '455 Phillip Street, Unit 3',
      city: 'Waterloo',
      region: 'Ontario',
      postalCode: 'N2L 3X2',
      country: 'Canada',
      phoneNumber: '519-555-0163',
      faxNumber: '519-555-0164',
      emailAddress: 'accounts@hillcrestlandscaping.ca',
      webSite: 'https://www.hillcrestlandscaping.ca',
      creditLimit: 5000,
      notes: 'Purchase order number required on every invoice.',
      customerType: 'Trade',
      discountPercent: 10,
      priceBand: 2,
      balance: 1284.5,
      firstSaledate: '2020-03-10T14:31:08.442Z',
      lastSaledate: '2022-12-01T17:45:19.084Z',
      bankSortCode: '00152-004',
      bankAccount: '5108723',
      bankAccountName: 'Hillcrest Landscaping Ltd.',
      correspondenceEmail: true,
      correspondencePaper: true,
      creationDateUTC: '2020-03-10T14:26:55.901Z',
      lastEditDateUTC: '2021-06-09T13:18:44.306Z',
      lastEditUser: ADMIN,
      creationUser: ADMIN,
      lastEditDevice: 'Web',
      creationDevice: 'POS1',
    },
    {
      ...blankCustomer(),
      id: 1000003,
      customerId: '6b0e9d53-2a7f-4c18-9f4e-d1a8b3c7e062',
      customerCode: '1000003',
      customerName: 'Daniel Okafor',
      firstName: 'Daniel',
      lastName: 'Okafor',
      address: '27 Ainslie Street South',
      city: 'Cambridge',
      region: 'Ontario',
      postalCode: 'N1R 3K4',
      country: 'Canada',
      phoneNumber: '519-555-0188',
      emailAddress: 'd.okafor@gmail.com',
      notes: 'Moved away; account closed at the customer’s request.',
      active: false,
      customerType: 'Adult',
      rewardsCollector: true,
      rewardsNumber: '7000109835',
      creationDateUTC: '2020-04-18T19:40:12.085Z',
      lastEditDateUTC: '2021-09-27T10:05:33.612Z',
      lastEditUser: ADMIN,
      creationUser: 'API',
      lastEditDevice: 'POS1',
      creationDevice: 'Web',
    },
    {
      ...blankCustomer(),
      id: 1000004,
      customerId: 'd27f8a14-c6e3-4b09-a5d1-8e4f0b9c3a77',
      customerCode: '1000004',
      customerName: 'Émilie Gagnon',
      firstName: 'Émilie',
      lastName: 'Gagnon',
      address: '200 University Avenue West, Apt 1204',
      city: 'Waterloo',
      region: 'Ontario',
      postalCode: 'N2L 3G5',
      country: 'Canada',
      phoneNumber: '226-555-0112',
      emailAddress: 'emilie.gagnon@outlook.com',
      customerType: 'Student',
      rewardsCollector: true,
      rewardsNumber: '7000112760',
      rewardsValue: 120,
      allowMailing: true,
      allowDataShare: true,
      discountPercent: 10,
      correspondenceEmail: true,
      creationDateUTC: '2020-05-22T16:03:47.350Z',
      lastEditDateUTC: '2023-01-16T14:51:09.478Z',
      lastEditUser: 'API',
      creationUser: ADMIN,
      lastEditDevice: 'Web',
      creationDevice: 'POS2',
    },
    {
      ...blankCustomer(),
      id: 1000005,
      customerId: '91e5c3a0-7b48-4d6f-8c2a-f3b6d0e1a958',
      customerCode: '1000005',
      customerName: 'Raj Patel',
      firstName: 'Raj',
      lastName: 'Patel',
      address: '16 Edinburgh Road South',
      city: 'Guelph',
      region: 'Ontario',
      postalCode: 'N1H 5N9',
      country: 'Canada',
      phoneNumber: '519-555-0171',
      emailAddress: 'raj.patel@maplecrest.example',
      notes: 'Staff member: discount applies to personal purchases only.',
      customerType: 'Staff',
      discountPercent: 20,
      priceBand: 3,
      creationDateUTC: '2020-07-06T13:00:21.667Z',
      lastEditDateUTC: '2020-07-06T13:00:21.667Z',
      lastEditUser: ADMIN,
      creationUser: ADMIN,
      lastEditDevice: 'POS1',
      creationDevice: 'POS1',
    },
    // The vendor's sample: customerType, rewardsValue, priceBand, creditLimit, discountPercent,
    // balance, the sale dates and both timestamps are its values; the rest is made up.
    {
      ...blankCustomer(),
      id: 1000070,
      customerId: 'ef1b97c9-4c4e-4f76-9bf5-ce909e7539c0',
      customerCode: '1000070',
      customerName: 'Sarah Mitchell',
      firstName: 'Sarah',
      lastName: 'Mitchell',
      address: '312 Queen Street South',
      city: 'Kitchener',
      region: 'Ontario',
      postalCode: 'N2G 1W4',
      country: 'Canada',
      phoneNumber: '519-555-0125',
      emailAddress: 'sarah.mitchell@gmail.com',
      customerType: 'Adult',
      rewardsCollector: true,
      rewardsNumber: '7000131907',
      rewardsValue: 65,
      allowMailing: true,
      priceBand: 1,
      correspondenceEmail: true,
      creationDateUTC: '2020-07-28T12:31:47.417Z',
      lastEditDateUTC: '2020-08-21T12:47:18.177Z',
      lastEditUser: 'API',
      creationUser: ADMIN,
      lastEditDevice: 'Web',
      creationDevice: 'POS1',
    },
  ];
}

const YEAR_MS = 365 * 24 * 3600 * 1000;
const CUSTOMERS_FROM_MS = REFERENCE_DATE.getTime() - YEAR_MS;

type SeedFaker = typeof import('@faker-js/faker/locale/en').faker;

/** Appends `spec.records` customers made by faker from the seed, created over the year before the reference date. */
async function addGenerated(data: MyposData, spec: SeedSpec): Promise<void> {
  // Loaded here, not at import: most processes never seed a demo tenant before they are ready.
  const { faker } = await import('@faker-js/faker/locale/en');
  // Generation below is synchronous, so seeding the shared instance here cannot interleave.
  faker.seed(spec.seed);
  faker.setDefaultRefDate(REFERENCE_DATE);

  const firstCode = data.next.customerCode;
  const untilMs = REFERENCE_DATE.getTime();
  // Codes ascend with creation, as the system hands them out.
  const created = Array.from({ length: spec.records }, () =>
    faker.date.between({ from: CUSTOMERS_FROM_MS, to: untilMs }).getTime(),
  ).sort((a, b) => a - b);
  const customers = created.map((createdMs, index) => generatedCustomer(faker, firstCode + index, createdMs, untilMs));
  // Not push(...customers): spreading a six-figure array overflows the call stack.
  data.customers = data.customers.concat(customers);
  data.next.customerCode = firstCode + spec.records;
}

interface City {
  name: string;
  province: string;
  /** Real forward sortation areas (a postal code's first half) of the city. */
  areas: string[];
  phoneAreaCodes: string[];
  /** How many customers in a hundred live there: most near the store, in Waterloo Region. */
  weight: number;
  french?: boolean;
}

const CITIES: City[] = [
  {
    name: 'Kitchener',
    province: 'Ontario',
    areas: ['N2A', 'N2B', 'N2C', 'N2E', 'N2G', 'N2H', 'N2M', 'N2N', 'N2P', 'N2R'],
    phoneAreaCodes: ['519', '226', '548'],
    weight: 28,
  },
  {
    name: 'Waterloo',
    province: 'Ontario',
    areas: ['N2J', 'N2K', 'N2L', 'N2T', 'N2V'],
    phoneAreaCodes: ['519', '226'],
    weight: 17,
  },
  {
    name: 'Cambridge',
    province: 'Ontario',
    areas: ['N1R', 'N1S', 'N1T', 'N3C', 'N3E', 'N3H'],
    phoneAreaCodes: ['519', '226'],
    weight: 14,
  },
  {
    name: 'Guelph',
    province: 'Ontario',
    areas: ['N1E', 'N1G', 'N1H', 'N1K', 'N1L'],
    phoneAreaCodes: ['519'],
    weight: 8,
  },
  {
    name: 'London',
    province: 'Ontario',
    areas: ['N5V', 'N5W', 'N6A', 'N6B', 'N6C'],
    phoneAreaCodes: ['519'],
    weight: 4,
  },
  {
    name: 'Hamilton',
    province: 'Ontario',
    areas: ['L8L', 'L8M', 'L8P', 'L9A'],
    phoneAreaCodes: ['905', '289'],
    weight: 4,
  },
  {
    name: 'Toronto',
    province: 'Ontario',
    areas: ['M4C', 'M4E', 'M5A', 'M5V', 'M6G', 'M6J', 'M6P'],
    phoneAreaCodes: ['416', '647'],
    weight: 7,
  },
  {
    name: 'Ottawa',
    province: 'Ontario',
    areas: ['K1N', 'K1P', 'K1R', 'K1S', 'K2P'],
    phoneAreaCodes: ['613'],
    weight: 3,
  },
  {
    name: 'Montréal',
    province: 'Quebec',
    areas: ['H2J', 'H2T', 'H2X', 'H3A', 'H3H', 'H4A'],
    phoneAreaCodes: ['514', '438'],
    weight: 3,
    french: true,
  },
  {
    name: 'Québec',
    province: 'Quebec',
    areas: ['G1K', 'G1R', 'G1S'],
    phoneAreaCodes: ['418'],
    weight: 1,
    french: true,
  },
  {
    name: 'Vancouver',
    province: 'British Columbia',
    areas: ['V5K', 'V5L', 'V5T', 'V6B', 'V6K'],
    phoneAreaCodes: ['604', '778'],
    weight: 3,
  },
  { name: 'Calgary', province: 'Alberta', areas: ['T2P', 'T2R', 'T2S', 'T3A'], phoneAreaCodes: ['403'], weight: 2 },
  { name: 'Edmonton', province: 'Alberta', areas: ['T5J', 'T5K', 'T6E', 'T6G'], phoneAreaCodes: ['780'], weight: 2 },
  { name: 'Winnipeg', province: 'Manitoba', areas: ['R2W', 'R3B', 'R3C', 'R3L'], phoneAreaCodes: ['204'], weight: 2 },
  { name: 'Halifax', province: 'Nova Scotia', areas: ['B3H', 'B3J', 'B3K', 'B3L'], phoneAreaCodes: ['902'], weight: 2 },
];

const WEIGHTED_CITIES = CITIES.map((value) => ({ weight: value.weight, value }));

/** The letters Canada Post uses in the second half of a postal code (never D, F, I, O, Q or U). */
const POSTAL_LETTERS = [...'ABCEGHJKLMNPRSTVWXYZ'];

/** The items of a comma-separated list, so that long word lists stay a few lines long. */
function list(text: string): string[] {
  return text.split(',').map((item) => item.trim().replace(/\s+/g, ' '));
}

const STREETS = list(`
  King Street West, Queen Street South, Main Street, Victoria Street North, Weber Street East, Erb Street West,
  Wellington Street, Church Street, Park Street, Maple Avenue, Cedar Crescent, Elm Drive, Pine Court,
  Lakeshore Road, Highland Road West, Westmount Road North, Fischer-Hallman Road, Ottawa Street South,
  Water Street North, Hespeler Road, Bridgeport Road East, Country Hill Drive, Glasgow Street, Lancaster Street,
  Riverbend Drive, Birchwood Avenue, Willow Street, Oxford Street, Bloor Street West, Dundas Street
`);

const FRENCH_STREETS = list(`
  rue Saint-Jean, rue Sainte-Catherine, boulevard Saint-Laurent, avenue du Parc, rue Principale,
  rue Notre-Dame, avenue Laurier, rue Saint-Denis, chemin Sainte-Foy, rue Cartier
`);

// Names common in Canada, and in Waterloo Region's old Mennonite families (Martin, Weber, Shantz…):
// faker's English lists are mostly American and hold jokes ("General", "Keebler").
const FIRST_NAMES = list(`
  James, Mary, Robert, Jennifer, Michael, Linda, David, Susan, John, Karen, Daniel, Lisa, Matthew,
  Sarah, Ryan, Jessica, Andrew, Emily, Kevin, Laura, Brian, Amanda, Jason, Megan, Mark, Nicole, Paul,
  Rachel, Scott, Heather, Tyler, Hannah, Justin, Olivia, Ethan, Emma, Liam, Chloe, Noah, Ava, Owen,
  Sophia, Lucas, Grace, Benjamin, Abigail, Connor, Madison, Jacob, Brooke, Wei, Mei, Arjun, Priya,
  Harpreet, Gurpreet, Ahmed, Fatima, Minh, Linh, Ji-ho, Seo-yeon, Kwame, Amara, Diego, Sofia
`);

const LAST_NAMES = list(`
  Smith, Brown, Wilson, MacDonald, Johnson, Taylor, Campbell, Anderson, Jones, White, Williams,
  Thompson, Scott, Reid, Murray, Young, Stewart, Walker, Robinson, Clarke, Wright, Mitchell, Fraser,
  MacKenzie, Ross, Graham, Morrison, Hughes, Bell, Kelly, Murphy, Ryan, Sullivan, Martin, Weber,
  Shantz, Bauman, Snyder, Brubacher, Schmidt, Friesen, Dyck, Wong, Chen, Li, Nguyen, Tran, Kim,
  Park, Singh, Patel, Gill, Sandhu, Sharma, Khan, Ahmed, Ali, Mensah, Okafor, Santos, Silva, Rossi,
  Kowalski, Novak, Ivanov, Leblanc, Tremblay, Roy
`);

const FRENCH_FIRST_NAMES = list(`
  Mathieu, Julie, Étienne, Geneviève, François, Isabelle, Guillaume, Marie-Claude, Sébastien, Nathalie,
  Olivier, Véronique, Jean-Philippe, Chantal, Maxime, Sophie, Alexandre, Catherine, Simon, Mélanie
`);

const FRENCH_LAST_NAMES = list(`
  Tremblay, Gagnon, Roy, Côté, Bouchard, Gauthier, Morin, Lavoie, Fortin, Gagné, Ouellet, Pelletier,
  Bélanger, Lévesque, Bergeron, Leblanc, Paquette, Girard, Simard, Boucher
`);

const TRADE_NAMES = list(`
  Landscaping, Contracting, Renovations, Property Management, Roofing, Plumbing & Heating, Carpentry,
  Home Staging, Painting & Decorating, Fencing & Decks, Interiors, Electric
`);

const MAIL_DOMAINS = ['gmail.com', 'outlook.com', 'hotmail.com', 'yahoo.ca', 'rogers.com', 'bell.net', 'sympatico.ca'];

const NOTES = [
  'Prefers email receipts.',
  'Call when special orders arrive.',
  'Tax exempt: certificate on file.',
  'Deliveries on weekdays only.',
  'Prefers text messages to calls.',
  'Gift registry on file.',
  'Ask for ID on account purchases.',
  'Returns approved by manager only.',
];

const REFERRALS = ['Flyer', 'Website', 'Friend', 'Walk-in', 'Social media', 'Newspaper'];

/** Who works on the store's tills and back office, besides the administrator. */
const STAFF = [ADMIN, `sales@${STORE_DOMAIN}`, `frontcounter@${STORE_DOMAIN}`];

type CustomerType = 'Adult' | 'Senior' | 'Student' | 'Staff' | 'Trade';
const CUSTOMER_TYPES: { weight: number; value: CustomerType }[] = [
  { weight: 62, value: 'Adult' },
  { weight: 14, value: 'Senior' },
  { weight: 10, value: 'Student' },
  { weight: 12, value: 'Trade' },
  { weight: 2, value: 'Staff' },
];

const DEVICES = [
  { weight: 45, value: 'POS1' },
  { weight: 25, value: 'POS2' },
  { weight: 30, value: 'Web' },
];

/** A name as the local part of an address: "Côté Plumbing & Heating" → "cote.plumbing.heating". */
function asciiHandle(name: string): string {
  return name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '.')
    .replace(/^\.+|\.+$/g, '');
}

/** Who made a change from where: staff on a till or the back office, or the API (on Web). */
function editor(faker: SeedFaker): { user: string; device: string } {
  const device = faker.helpers.weightedArrayElement(DEVICES);
  if (device === 'Web' && faker.datatype.boolean(0.6)) return { user: 'API', device };
  return { user: faker.helpers.arrayElement(STAFF), device };
}

/** The standing discount of each type of customer: none for adults. */
function discountFor(faker: SeedFaker, type: CustomerType): number {
  switch (type) {
    case 'Adult':
      return 0;
    case 'Senior':
      return faker.helpers.arrayElement([5, 10]);
    case 'Student':
      return 10;
    case 'Staff':
      return faker.helpers.arrayElement([15, 20]);
    case 'Trade':
      return faker.helpers.arrayElement([5, 10, 15]);
  }
}

const round2 = (value: number): number => Math.round(value * 100) / 100;
const iso = (ms: number): string => new Date(ms).toISOString();

/** One generated customer: a person, or (for Trade) a business with a contact. */
function generatedCustomer(faker: SeedFaker, code: number, createdMs: number, untilMs: number): Customer {
  const city = faker.helpers.weightedArrayElement(WEIGHTED_CITIES);
  const type = faker.helpers.weightedArrayElement(CUSTOMER_TYPES);
  const firstName = faker.helpers.arrayElement(city.french ? FRENCH_FIRST_NAMES : FIRST_NAMES);
  const lastName = faker.helpers.arrayElement(city.french ? FRENCH_LAST_NAMES : LAST_NAMES);
  const business = type === 'Trade' ? `${lastName} ${faker.helpers.arrayElement(TRADE_NAMES)}` : null;
  const webName = business === null ? null : asciiHandle(business).replaceAll('.', '');

  const hasAddress = faker.datatype.boolean(0.85);
  const streets = city.french ? FRENCH_STREETS : STREETS;
  const street = faker.helpers.arrayElement(streets);
  const number = faker.number.int({ min: 1, max: 2400 });
  const address = city.french ? `${number}, ${street}` : `${number} ${street}`;
  const postalCode = `${faker.helpers.arrayElement(city.areas)} ${faker.number.int(9)}${faker.helpers.arrayElement(POSTAL_LETTERS)}${faker.number.int(9)}`;
  // 555-0100 to 555-0199: the numbers reserved for fiction in North America.
  const phone = () => `${faker.helpers.arrayElement(city.phoneAreaCodes)}-555-01${faker.string.numeric(2)}`;
  const phoneNumber = faker.datatype.boolean(0.8) ? phone() : null;

  let emailAddress: string | null = null;
  if (webName !== null) emailAddress = `${faker.helpers.arrayElement(['info', 'accounts', 'office'])}@${webName}.ca`;
  else if (faker.datatype.boolean(0.7)) {
    const suffix = faker.datatype.boolean(0.3) ? String(faker.number.int({ min: 1, max: 99 })) : '';
    emailAddress = `${asciiHandle(`${firstName} ${lastName}`)}${suffix}@${faker.helpers.arrayElement(MAIL_DOMAINS)}`;
  }

  const trade = type === 'Trade';
  // Trade accounts buy more often: one customer in five has bought something all in all.
  const hasSales = faker.datatype.boolean(trade ? 0.5 : 0.16);
  const firstSaleMs = hasSales ? faker.date.between({ from: createdMs, to: untilMs }).getTime() : null;
  const lastSaleMs =
    firstSaleMs !== null && faker.datatype.boolean(0.8)
      ? faker.date.between({ from: firstSaleMs, to: untilMs }).getTime()
      : firstSaleMs;
  const active = faker.datatype.boolean(0.9);
  // Making a customer inactive is an edit, so an inactive one was always edited after creation.
  const editedMs =
    !active || faker.datatype.boolean(0.5) ? faker.date.between({ from: createdMs, to: untilMs }).getTime() : createdMs;
  const creation = editor(faker);
  const lastEdit = editedMs === createdMs ? creation : editor(faker);

  const creditLimit = trade && faker.datatype.boolean(0.7) ? faker.helpers.arrayElement([1000, 2500, 5000, 10000]) : 0;
  const rewardsCollector = !trade && faker.datatype.boolean(0.5);
  const discountPercent = discountFor(faker, type);
  const withBank = trade && creditLimit > 0 && faker.datatype.boolean(0.5);

  return {
    id: code,
    customerId: faker.string.uuid(),
    customerCode: String(code),
    customerName: business ?? `${firstName} ${lastName}`,
    firstName,
    lastName,
    address: hasAddress ? address : null,
    city: hasAddress ? city.name : null,
    region: hasAddress ? city.province : null,
    postalCode: hasAddress ? postalCode : null,
    country: hasAddress ? 'Canada' : null,
    phoneNumber,
    faxNumber: trade && faker.datatype.boolean(0.2) ? phone() : null,
    emailAddress,
    webSite: webName !== null && faker.datatype.boolean(0.5) ? `https://www.${webName}.ca` : null,
    creditLimit,
    notes: faker.datatype.boolean(0.1) ? faker.helpers.arrayElement(NOTES) : null,
    active,
    customerType: type,
    rewardsCollector,
    rewardsNumber: rewardsCollector ? `7000${faker.string.numeric(6)}` : null,
    // Points from purchases, or the sign-up bonus only.
    rewardsValue: rewardsCollector
      ? hasSales
        ? faker.number.int({ min: 10, max: 900 })
        : faker.helpers.arrayElement([0, 25, 50, 65])
      : 0,
    allowMailing: faker.datatype.boolean(0.4),
    allowDataShare: faker.datatype.boolean(0.15),
    discountPercent,
    priceBand: trade ? 2 : type === 'Staff' ? 3 : 1,
    // What an account customer owes: only those with credit and purchases owe anything.
    balance:
      creditLimit > 0 && hasSales && faker.datatype.boolean(0.6)
        ? round2(faker.number.float({ min: 0, max: creditLimit * 0.6 }))
        : 0,
    firstSaledate: firstSaleMs === null ? null : iso(firstSaleMs),
    lastSaledate: lastSaleMs === null ? null : iso(lastSaleMs),
    bankSortCode: withBank
      ? `${faker.string.numeric(5)}-${faker.helpers.arrayElement(['001', '002', '003', '004', '006', '010'])}`
      : null,
    bankAccount: withBank ? faker.string.numeric(7) : null,
    bankAccountName: withBank ? business : null,
    correspondenceEmail: emailAddress !== null && faker.datatype.boolean(0.6),
    correspondencePaper: hasAddress && faker.datatype.boolean(0.15),
    ...noCustomFields(),
    // The one custom field this store fills in: where the customer heard of it.
    cC_001: faker.datatype.boolean(0.15) ? faker.helpers.arrayElement(REFERRALS) : null,
    creationDateUTC: iso(createdMs),
    lastEditDateUTC: iso(editedMs),
    lastEditUser: lastEdit.user,
    creationUser: creation.user,
    lastEditDevice: lastEdit.device,
    creationDevice: creation.device,
  };
}
