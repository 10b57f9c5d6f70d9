import { toIsoSeconds } from '../src/core/dates.js';
import type { SeedSpec } from '../src/core/store.js';
import type {
  Customer,
  CustomerCategory,
  CustomerSegmentation,
  Employee,
  Organization,
  PaymentType,
  Region,
  StoredImage,
  User,
  ValomniaData,
} from '../src/vendors/valomnia/model.js';
import { gradientPng } from './gradient-png.js';
import { REFERENCE_DATE } from './reference.js';

/** Builds a tenant's Valomnia data for a seed spec. */
export async function seedValomnia(spec: SeedSpec): Promise<ValomniaData> {
  const organization = docsOrganization();
  // Only the docs dataset is the vendor's "entity1" for every tenant; in the others each tenant
  // gets an organization named after its login (see personalizeOrganization).
  if (spec.dataset === 'empty') {
    return {
      organization: { ...organization, sharedName: false },
      ...docsLinkedRecords(),
      customers: [],
      images: [],
      next: { customerId: 1 },
    };
  }
  const data: ValomniaData = {
    organization,
    ...docsLinkedRecords(),
    customers: [docsCustomer()],
    images: [docsLogo()],
    next: { customerId: 257 },
  };
  if (spec.dataset === 'demo') {
    data.organization = { ...organization, sharedName: false };
    await addGenerated(data, spec);
  }
  return data;
}

/** The organization the vendor's samples belong to, with the account its login sample shows. */
function docsOrganization(): Organization {
  return {
    name: 'entity1',
    uploadDirectory: 'entity1-1450169988465',
    sharedName: true,
    currency: 'EUR',
    currencies: ['EUR', 'USD', 'TND'],
    account: {
      firstName: 'Jane',
      lastName: 'Doe',
      avatar: '1455115600210_1448038178_supportfemale.png',
      companyDescription: null,
      companyPhone: null,
      companyFax: null,
      companyEmail: 'foobar@example.com',
      companyWebSite: null,
      companyAddress: null,
      companyPostalCode: null,
      companyCity: 'Sousse',
      companyCountry: 'TN',
    },
  };
}

// When user 1 was created (its sample's dateCreated): the organization's first day, so the
// records the samples take for granted (root category, payment types, …) date from it too.
const ORGANIZATION_CREATED = '2015-12-15T08:55:36Z';

type LinkedRecords = Pick<
  ValomniaData,
  'customerCategories' | 'customerSegmentations' | 'paymentTypes' | 'regions' | 'users' | 'employees'
>;

/**
 * The records customer 256 and the other samples link to. Where a sample shows one, it is copied;
 * the rest (the root category, user 2, employees 2 and 3) are the least the links need, dated
 * before the customer that uses them.
 */
function docsLinkedRecords(): LinkedRecords {
  const born = { dateCreated: ORGANIZATION_CREATED, lastUpdated: ORGANIZATION_CREATED };
  return {
    customerCategories: [
      { id: 1, ...born, reference: 'root', name: 'Root', isRoot: true, parentId: null, description: null, image: null },
      {
        id: 2,
        ...born,
        reference: 'jewelry',
        name: 'Jewelry and accessories',
        isRoot: false,
        parentId: 1,
        description: null,
        image: null,
      },
    ],
    customerSegmentations: [{ id: 1, ...born, reference: 'seg_a', name: 'Segmentation A', description: null }],
    paymentTypes: [
      { id: 7, ...born, reference: 'cash', name: 'cash', isActive: true },
      { id: 8, ...born, reference: 'cheque', name: 'cheque', isActive: true },
    ],
    // The regions pages date their samples September 2016; the customer sample links none.
    regions: [
      {
        id: 1,
        dateCreated: '2016-09-02T08:04:27Z',
        lastUpdated: '2016-09-02T08:04:27Z',
        name: 'United States',
        parentId: null,
        position: null,
      },
      {
        id: 2,
        dateCreated: '2016-09-19T07:52:46Z',
        lastUpdated: '2016-09-19T07:52:46Z',
        name: 'California',
        parentId: 1,
        position: 1,
      },
      {
        id: 3,
        dateCreated: '2016-09-19T07:52:46Z',
        lastUpdated: '2016-09-19T07:52:46Z',
        name: 'New York',
        parentId: 1,
        position: 2,
      },
    ],
    users: [
      {
        id: 1,
        dateCreated: ORGANIZATION_CREATED,
        lastUpdated: '2016-07-22T09:20:29Z',
        reference: 'emp05',
        email: 'foobar@example.com',
        firstName: 'John',
        lastName: 'Doe',
        employeeId: 5,
        enabled: true,
      },
      {
        id: 2,
        dateCreated: '2015-12-15T09:12:04Z',
        lastUpdated: '2015-12-15T09:12:04Z',
        reference: 'emp-002',
        email: 'emp-002@entity1.example',
        firstName: 'Sami',
        lastName: 'Ben Salah',
        employeeId: 2,
        enabled: true,
      },
    ],
    // User 1 is employee 5 (its sample links it) and user 2 employee 2 (same reference); employee
    // 3 is the manager the employee sample names.
    employees: [
      {
        id: 2,
        dateCreated: '2015-12-15T09:12:04Z',
        lastUpdated: '2015-12-15T09:12:04Z',
        reference: 'emp-002',
        firstName: 'Sami',
        lastName: 'Ben Salah',
        mobile: null,
        enabled: true,
        managerId: 3,
        avatar: null,
      },
      {
        id: 3,
        ...born,
        reference: 'emp-00',
        firstName: 'Leila',
        lastName: 'Trabelsi',
        mobile: null,
        enabled: true,
        managerId: null,
        avatar: null,
      },
      {
        id: 5,
        ...born,
        reference: 'emp05',
        firstName: 'John',
        lastName: 'Doe',
        mobile: null,
        enabled: true,
        managerId: 3,
        avatar: null,
      },
      {
        id: 22,
        dateCreated: '2016-08-17T13:45:17Z',
        lastUpdated: '2016-08-17T13:45:17Z',
        reference: 'emp22',
        firstName: 'Jane',
        lastName: 'Doe',
        mobile: '001-555-555-1212',
        enabled: true,
        managerId: 3,
        avatar: null,
      },
    ],
  };
}

const DOCS_LOGO = '1471338230737_logo_color_272x92dp.png';

/** Customer 256 as the vendor's show sample prints it. */
function docsCustomer(): Customer {
  return {
    id: 256,
    dateCreated: '2015-12-17T23:00:00Z',
    lastUpdated: '2016-08-16T09:02:13Z',
    reference: 'NC-3',
    reference2: null,
    name: "Marie's Jewelry",
    categoryId: 2,
    isSubCustomer: false,
    parentId: null,
    billWithParent: true,
    segmentationId: 1,
    email: null,
    logo: DOCS_LOGO,
    phone: null,
    mobile: null,
    fax: null,
    comment: null,
    barcode: null,
    isSameAddress: true,
    billingCountry: 'FR',
    billingCity: 'Nice',
    billingPostalCode: null,
    billingAddress: null,
    billingLat: null,
    billingLng: null,
    country: null,
    city: null,
    postalCode: null,
    address: null,
    latitude: null,
    longitude: null,
    creditLimit: 5000,
    isActive: true,
    onHold: false,
    onHoldReason: null,
    createdById: 2,
    dueDateConfigNumber: 7,
    dueDateConfigType: 1,
    paymentTypeIds: [7, 8],
    website: null,
    taxNumber: null,
    companyRegistrationNumber: null,
    currency: 'EUR',
    customerRisk: null,
    customerRiskColor: null,
    regionId: null,
  };
}

/**
 * The image customer 256's `logo` names: a 272×92 PNG, as its file name says. Its small variant
 * is the same picture drawn at 100×34 (what fitting it in 100×100 gives); its medium variant is
 * the original, which already fits 300×300 and is never enlarged.
 */
function docsLogo(): StoredImage {
  const original = gradientPng(272, 92);
  return {
    fileName: DOCS_LOGO,
    folder: 'photoCustomer',
    contentType: 'image/png',
    original,
    small: gradientPng(100, 34),
    medium: original,
  };
}

const YEAR_MS = 365 * 24 * 3600 * 1000;
// Generated linked records date from after the docs ones and before the first generated customer.
const LINKED_FROM_MS = Date.parse('2016-09-20T00:00:00Z');
const CUSTOMERS_FROM_MS = REFERENCE_DATE.getTime() - YEAR_MS;

type SeedFaker = typeof import('@faker-js/faker/locale/en').faker;

/** Adds a few linked records and `spec.records` customers, made by faker from the seed. */
async function addGenerated(data: ValomniaData, spec: SeedSpec): Promise<void> {
  // Loaded here, not at import: most processes never seed a demo tenant before they are ready.
  const { faker } = await import('@faker-js/faker/locale/en');
  // Generation below is synchronous, so seeding the shared instance here cannot interleave.
  faker.seed(spec.seed);
  faker.setDefaultRefDate(REFERENCE_DATE);

  addLinkedRecords(data, faker);
  addCustomers(data, spec.records, faker);
}

/** `count` times between two instants, oldest first, so ids and creation dates ascend together. */
function timeline(faker: SeedFaker, count: number, fromMs: number, toMs: number): number[] {
  return Array.from({ length: count }, () => faker.date.between({ from: fromMs, to: toMs }).getTime()).sort(
    (a, b) => a - b,
  );
}

/** Created at `createdMs`; half of them updated again later, never past `untilMs`. */
function dated(faker: SeedFaker, createdMs: number, untilMs: number): { dateCreated: string; lastUpdated: string } {
  const updatedMs = faker.datatype.boolean(0.5)
    ? faker.date.between({ from: createdMs, to: untilMs }).getTime()
    : createdMs;
  return { dateCreated: toIsoSeconds(createdMs), lastUpdated: toIsoSeconds(updatedMs) };
}

const CATEGORY_NAMES = [
  'Supermarkets',
  'Grocery stores',
  'Pharmacies',
  'Cafes and restaurants',
  'Hotels',
  'Bakeries',
  'Kiosks',
  'Wholesalers',
  'Petrol stations',
  'Beauty salons',
];

const EXTRA_PAYMENT_TYPES = [
  { reference: 'cod', name: 'cash on delivery' },
  { reference: 'transfer', name: 'bank transfer' },
  { reference: 'card', name: 'credit card' },
  { reference: 'direct_debit', name: 'direct debit' },
  { reference: 'mobile', name: 'mobile payment' },
];

interface City {
  name: string;
  lat: number;
  lng: number;
}

/**
 * What a generated customer in a country looks like: its cities, the shops and family names its
 * names are made of, its streets, its mail providers, its phone numbers and tax numbers. Built
 * from short lists rather than faker's template generators, which cost ten times as much.
 */
interface Country {
  code: 'FR' | 'TN' | 'US';
  currency: string;
  /** How many customers in ten are in this country. */
  weight: number;
  shops: string[];
  surnames: string[];
  streets: string[];
  mailDomains: string[];
  webDomain: string;
  /** Digits in a postal code. */
  postalCodeDigits: number;
  /** Phone numbers as `faker.helpers.replaceSymbols` fills them in (`#` a digit). */
  phoneFormats: string[];
  /** Its tax numbers, the same way (`?` a letter). */
  taxNumberFormat: string;
  /** A city and, in the United States, the name of its state (a region). */
  city(faker: SeedFaker): { city: City; state: string | null };
}

// The regions tree covers the United States only (as the docs' regions do), so each state a US
// customer is placed in is a region, and its cities lie in it.
const US_STATES: { name: string; cities: City[] }[] = [
  {
    name: 'California',
    cities: [
      { name: 'Los Angeles', lat: 34.0522, lng: -118.2437 },
      { name: 'San Francisco', lat: 37.7749, lng: -122.4194 },
      { name: 'San Diego', lat: 32.7157, lng: -117.1611 },
    ],
  },
  {
    name: 'New York',
    cities: [
      { name: 'New York', lat: 40.7128, lng: -74.006 },
      { name: 'Buffalo', lat: 42.8864, lng: -78.8784 },
      { name: 'Albany', lat: 42.6526, lng: -73.7562 },
    ],
  },
  {
    name: 'Texas',
    cities: [
      { name: 'Houston', lat: 29.7604, lng: -95.3698 },
      { name: 'Austin', lat: 30.2672, lng: -97.7431 },
      { name: 'Dallas', lat: 32.7767, lng: -96.797 },
    ],
  },
  {
    name: 'Florida',
    cities: [
      { name: 'Miami', lat: 25.7617, lng: -80.1918 },
      { name: 'Orlando', lat: 28.5383, lng: -81.3792 },
      { name: 'Tampa', lat: 27.9506, lng: -82.4572 },
    ],
  },
  {
    name: 'Illinois',
    cities: [
      { name: 'Chicago', lat: 41.8781, lng: -87.6298 },
      { name: 'Springfield', lat: 39.7817, lng: -89.6501 },
    ],
  },
  {
    name: 'Washington',
    cities: [
      { name: 'Seattle', lat: 47.6062, lng: -122.3321 },
      { name: 'Spokane', lat: 47.6588, lng: -117.426 },
    ],
  },
  {
    name: 'Georgia',
    cities: [
      { name: 'Atlanta', lat: 33.749, lng: -84.388 },
      { name: 'Savannah', lat: 32.0809, lng: -81.0912 },
    ],
  },
  {
    name: 'Arizona',
    cities: [
      { name: 'Phoenix', lat: 33.4484, lng: -112.074 },
      { name: 'Tucson', lat: 32.2226, lng: -110.9747 },
    ],
  },
];

const FR_CITIES: City[] = [
  { name: 'Paris', lat: 48.8566, lng: 2.3522 },
  { name: 'Lyon', lat: 45.764, lng: 4.8357 },
  { name: 'Marseille', lat: 43.2965, lng: 5.3698 },
  { name: 'Nice', lat: 43.7102, lng: 7.262 },
  { name: 'Toulouse', lat: 43.6047, lng: 1.4442 },
  { name: 'Bordeaux', lat: 44.8378, lng: -0.5792 },
  { name: 'Lille', lat: 50.6292, lng: 3.0573 },
  { name: 'Nantes', lat: 47.2184, lng: -1.5536 },
];

const TN_CITIES: City[] = [
  { name: 'Tunis', lat: 36.8065, lng: 10.1815 },
  { name: 'Sousse', lat: 35.8256, lng: 10.6084 },
  { name: 'Sfax', lat: 34.7406, lng: 10.7603 },
  { name: 'Monastir', lat: 35.7643, lng: 10.8113 },
  { name: 'Bizerte', lat: 37.2744, lng: 9.8739 },
  { name: 'Nabeul', lat: 36.4561, lng: 10.7376 },
  { name: 'Kairouan', lat: 35.6781, lng: 10.0963 },
];

/** The items of a comma-separated list, so that long word lists stay a few lines long. */
function list(text: string): string[] {
  return text.split(',').map((item) => item.trim().replace(/\s+/g, ' '));
}

const COUNTRIES: Country[] = [
  {
    code: 'FR',
    currency: 'EUR',
    weight: 4,
    shops: list(`
      Boulangerie, Pharmacie, Épicerie, Librairie, Café, Boucherie, Fleuriste, Bijouterie, Supérette,
      Quincaillerie, Tabac-Presse, Pressing
    `),
    surnames: list(`
      Martin, Bernard, Dubois, Thomas, Robert, Richard, Petit, Durand, Leroy, Moreau, Simon, Laurent,
      Lefebvre, Michel, Garcia, David, Bertrand, Roux, Vincent, Fournier, Morel, Girard, André,
      Mercier, Dupont, Lambert, Bonnet, François, Martinez, Legrand
    `),
    streets: list(`
      rue de la République, avenue Jean Jaurès, boulevard Victor Hugo, rue Pasteur, place de la
      Liberté, rue du Général de Gaulle, rue des Écoles, avenue de la Gare, rue Nationale, boulevard
      Gambetta
    `),
    mailDomains: ['orange.fr', 'gmail.com', 'free.fr', 'wanadoo.fr', 'laposte.net'],
    webDomain: 'fr',
    postalCodeDigits: 5,
    phoneFormats: ['+33 1 ## ## ## ##', '+33 4 ## ## ## ##', '+33 6 ## ## ## ##', '+33 7 ## ## ## ##'],
    // A VAT number.
    taxNumberFormat: 'FR###########',
    city: (faker) => ({ city: faker.helpers.arrayElement(FR_CITIES), state: null }),
  },
  {
    code: 'TN',
    currency: 'TND',
    weight: 4,
    shops: list(`
      Épicerie, Pharmacie, Superette, Café, Pâtisserie, Librairie, Droguerie, Boulangerie,
      Quincaillerie, Kiosque
    `),
    surnames: list(`
      Ben Ali, Trabelsi, Gharbi, Hammami, Jebali, Ben Salah, Mejri, Ayari, Sassi, Chaabane, Dridi,
      Khelifi, Mansouri, Ben Amor, Zouari, Karoui, Haddad, Masmoudi, Feki, Jaziri, Ben Youssef, Rekik,
      Belhadj, Chebbi, Hamdi, Nasri, Riahi, Bouzid, Slimani, Touati
    `),
    streets: list(`
      avenue Habib Bourguiba, rue de Marseille, avenue de la Liberté, rue Ibn Khaldoun, avenue Hédi
      Chaker, rue de Palestine, avenue Farhat Hached, rue Mongi Slim, avenue de Carthage, rue Ali
      Belhouane
    `),
    mailDomains: ['gmail.com', 'topnet.tn', 'planet.tn', 'yahoo.fr'],
    webDomain: 'tn',
    postalCodeDigits: 4,
    phoneFormats: ['+216 2# ### ###', '+216 5# ### ###', '+216 7# ### ###', '+216 9# ### ###'],
    // The matricule fiscal: seven digits, a check letter, then the tax office's codes.
    taxNumberFormat: '#######?/A/M/000',
    city: (faker) => ({ city: faker.helpers.arrayElement(TN_CITIES), state: null }),
  },
  {
    code: 'US',
    currency: 'USD',
    weight: 2,
    shops: ['Market', 'Grocery', 'Pharmacy', 'Deli', 'Hardware', 'Bakery', 'Coffee', 'Books', 'Jewelers', 'Drugstore'],
    surnames: list(`
      Smith, Johnson, Williams, Brown, Jones, Miller, Davis, Wilson, Anderson, Taylor, Moore, Jackson,
      White, Harris, Clark, Lewis, Walker, Hall, Allen, Young, King, Wright, Hill, Green, Adams,
      Baker, Nelson, Carter, Mitchell, Roberts
    `),
    streets: list(`
      Main Street, Oak Avenue, Maple Drive, Park Avenue, Elm Street, Washington Boulevard, Lake Road,
      Cedar Lane, Sunset Boulevard, Pine Street, Broadway, Market Street
    `),
    mailDomains: ['gmail.com', 'yahoo.com', 'outlook.com', 'aol.com'],
    webDomain: 'com',
    postalCodeDigits: 5,
    // Area codes of some of the cities below.
    phoneFormats: [
      '(212) ###-####',
      '(213) ###-####',
      '(312) ###-####',
      '(305) ###-####',
      '(512) ###-####',
      '(602) ###-####',
      '(713) ###-####',
      '(206) ###-####',
    ],
    // An employer identification number.
    taxNumberFormat: '##-#######',
    city: (faker) => {
      const state = faker.helpers.arrayElement(US_STATES);
      return { city: faker.helpers.arrayElement(state.cities), state: state.name };
    },
  },
];

/**
 * Five categories under the root, two segmentations, three payment types, four states under
 * the United States and three users with their employees, each after the docs' ids.
 */
function addLinkedRecords(data: ValomniaData, faker: SeedFaker): void {
  const untilMs = CUSTOMERS_FROM_MS;
  const categoryTimes = timeline(faker, 5, LINKED_FROM_MS, untilMs);
  for (const [index, name] of faker.helpers.arrayElements(CATEGORY_NAMES, 5).entries()) {
    data.customerCategories.push({
      id: 3 + index,
      ...dated(faker, categoryTimes[index] ?? untilMs, untilMs),
      reference: name.toLowerCase().replaceAll(' ', '_'),
      name,
      isRoot: false,
      parentId: 1,
      description: faker.datatype.boolean(0.5) ? faker.company.catchPhrase() : null,
      image: null,
    } satisfies CustomerCategory);
  }

  const segmentationTimes = timeline(faker, 2, LINKED_FROM_MS, untilMs);
  for (const [index, letter] of ['B', 'C'].entries()) {
    data.customerSegmentations.push({
      id: 2 + index,
      ...dated(faker, segmentationTimes[index] ?? untilMs, untilMs),
      reference: `seg_${letter.toLowerCase()}`,
      name: `Segmentation ${letter}`,
      description: faker.datatype.boolean(0.5) ? faker.company.buzzPhrase() : null,
    } satisfies CustomerSegmentation);
  }

  const paymentTimes = timeline(faker, 3, LINKED_FROM_MS, untilMs);
  for (const [index, type] of faker.helpers.arrayElements(EXTRA_PAYMENT_TYPES, 3).entries()) {
    data.paymentTypes.push({
      id: 9 + index,
      ...dated(faker, paymentTimes[index] ?? untilMs, untilMs),
      ...type,
      // The last one is switched off, so a demo organization has an inactive payment type.
      isActive: index < 2,
    } satisfies PaymentType);
  }

  const regionTimes = timeline(faker, 4, LINKED_FROM_MS, untilMs);
  const states = faker.helpers.arrayElements(US_STATES.slice(2), 4);
  for (const [index, state] of states.entries()) {
    data.regions.push({
      id: 4 + index,
      ...dated(faker, regionTimes[index] ?? untilMs, untilMs),
      name: state.name,
      parentId: 1,
      position: 3 + index,
    } satisfies Region);
  }

  const staffTimes = timeline(faker, 3, LINKED_FROM_MS, untilMs);
  const emails = new Set(data.users.map((user) => user.email.toLowerCase()));
  for (const [index, createdMs] of staffTimes.entries()) {
    const id = 23 + index;
    const firstName = faker.person.firstName();
    const lastName = faker.person.lastName();
    const dates = dated(faker, createdMs, untilMs);
    const reference = `emp${id}`;
    data.employees.push({
      id,
      ...dates,
      reference,
      firstName,
      lastName,
      mobile: faker.phone.number({ style: 'national' }),
      enabled: true,
      managerId: 3,
      avatar: null,
    } satisfies Employee);
    let email = faker.internet.email({ firstName, lastName }).toLowerCase();
    if (emails.has(email)) email = `${reference}.${email}`;
    emails.add(email);
    // Users and employees share a reference, as users 1 and 2 do in the docs.
    data.users.push({
      id: 3 + index,
      ...dates,
      reference,
      email,
      firstName,
      lastName,
      employeeId: id,
      enabled: true,
    } satisfies User);
  }
}

const RISKS = [
  { value: 'low', color: '#1BE9D8' },
  { value: 'medium', color: '#FFC107' },
  { value: 'high', color: '#E53935' },
];

const HOLD_REASONS = ['Unpaid invoices', 'Credit limit exceeded', 'Disputed delivery'];

const COMMENTS = [
  'Deliver before 10 am.',
  'Closed on Mondays.',
  'Ask for the manager at the counter.',
  'Prefers to pay by cheque.',
  'Parking behind the shop.',
  'Call before delivering.',
  'Seasonal: busy in summer.',
];

/** Where a customer is: a city of its country, a street address and the region it may be assigned. */
interface Place {
  city: City;
  postalCode: string;
  address: string;
  regionId: number | null;
}

/** Appends `count` customers after the docs one, created over the year before the reference date. */
function addCustomers(data: ValomniaData, count: number, faker: SeedFaker): void {
  const firstId = data.next.customerId;
  const categoryIds = data.customerCategories.map((category) => category.id);
  const segmentationIds = data.customerSegmentations.map((segmentation) => segmentation.id);
  const userIds = data.users.map((user) => user.id);
  const activePaymentTypeIds = data.paymentTypes.filter((type) => type.isActive).map((type) => type.id);
  const regionIds = new Map(data.regions.map((region) => [region.name, region.id]));
  const countries = COUNTRIES.map((country) => ({ weight: country.weight, value: country }));

  const place = (country: Country): Place => {
    const { city, state } = country.city(faker);
    const regionId = state === null ? undefined : regionIds.get(state);
    return {
      city,
      postalCode: faker.string.numeric(country.postalCodeDigits),
      address: `${faker.number.int({ min: 1, max: country.code === 'US' ? 9999 : 250 })} ${faker.helpers.arrayElement(country.streets)}`,
      // Not every customer whose state is a region is assigned it.
      regionId: regionId !== undefined && faker.datatype.boolean(0.7) ? regionId : null,
    };
  };
  const phone = (country: Country): string =>
    faker.helpers.replaceSymbols(faker.helpers.arrayElement(country.phoneFormats));
  // A point near the city's centre, at the precision a phone's GPS gives.
  const near = (degrees: number): number =>
    Math.round((degrees + faker.number.float({ min: -0.05, max: 0.05 })) * 1e6) / 1e6;

  const customers: Customer[] = [];
  // Each generated customer's country and name before any branch suffix, by index: what a
  // sub-customer takes from its parent.
  const origins: { country: Country; name: string }[] = [];
  for (const [index, createdMs] of timeline(faker, count, CUSTOMERS_FROM_MS, REFERENCE_DATE.getTime()).entries()) {
    // A sub-customer is a branch of an earlier customer, in its country and under its name: parent
    // links always point back in the id order, so they can never close a cycle.
    const parentIndex = index > 0 && faker.datatype.boolean(0.1) ? faker.number.int(index - 1) : undefined;
    const parent = parentIndex === undefined ? undefined : customers[parentIndex];
    let origin = parentIndex === undefined ? undefined : origins[parentIndex];
    if (!origin) {
      const country = faker.helpers.weightedArrayElement(countries);
      const surname = faker.helpers.arrayElement(country.surnames);
      const shop = faker.helpers.arrayElement(country.shops);
      origin = { country, name: country.code === 'US' ? `${surname} ${shop}` : `${shop} ${surname}` };
    }
    origins.push(origin);
    const { country } = origin;
    const billing = place(country);
    const shipping = faker.datatype.boolean(0.2) ? place(country) : null;
    const located = faker.datatype.boolean(0.5);
    const handle = asciiHandle(origin.name);
    const onHold = faker.datatype.boolean(0.05);
    const risk = faker.datatype.boolean(0.1) ? faker.helpers.arrayElement(RISKS) : null;
    const dueDateType = faker.datatype.boolean(0.4) ? faker.helpers.arrayElement([1, 2] as const) : null;
    customers.push({
      id: firstId + index,
      ...dated(faker, createdMs, REFERENCE_DATE.getTime()),
      reference: `CUS-${String(index + 1).padStart(5, '0')}`,
      reference2: faker.datatype.boolean(0.2) ? faker.string.alphanumeric({ length: 8, casing: 'upper' }) : null,
      name: parent ? `${origin.name} (${billing.city.name})` : origin.name,
      categoryId: parent?.categoryId ?? faker.helpers.arrayElement(categoryIds),
      isSubCustomer: parent !== undefined,
      parentId: parent?.id ?? null,
      billWithParent: parent !== undefined && faker.datatype.boolean(0.5),
      segmentationId: faker.datatype.boolean(0.6) ? faker.helpers.arrayElement(segmentationIds) : null,
      email: faker.datatype.boolean(0.7)
        ? `${handle}${faker.datatype.boolean(0.5) ? faker.number.int(99) : ''}@${faker.helpers.arrayElement(country.mailDomains)}`
        : null,
      logo: null,
      phone: faker.datatype.boolean(0.8) ? phone(country) : null,
      mobile: faker.datatype.boolean(0.5) ? phone(country) : null,
      fax: faker.datatype.boolean(0.1) ? phone(country) : null,
      comment: faker.datatype.boolean(0.15) ? faker.helpers.arrayElement(COMMENTS) : null,
      barcode: faker.datatype.boolean(0.2) ? faker.string.numeric(13) : null,
      isSameAddress: shipping === null,
      billingCountry: country.code,
      billingCity: billing.city.name,
      billingPostalCode: billing.postalCode,
      billingAddress: billing.address,
      billingLat: located ? near(billing.city.lat) : null,
      billingLng: located ? near(billing.city.lng) : null,
      country: shipping ? country.code : null,
      city: shipping?.city.name ?? null,
      postalCode: shipping?.postalCode ?? null,
      address: shipping?.address ?? null,
      latitude: shipping && located ? near(shipping.city.lat) : null,
      longitude: shipping && located ? near(shipping.city.lng) : null,
      creditLimit: faker.datatype.boolean(0.5) ? faker.number.int({ min: 1, max: 40 }) * 500 : null,
      isActive: faker.datatype.boolean(0.9),
      onHold,
      onHoldReason: onHold ? faker.helpers.arrayElement(HOLD_REASONS) : null,
      createdById: faker.helpers.arrayElement(userIds),
      dueDateConfigNumber: dueDateType === null ? null : faker.helpers.arrayElement([7, 15, 30, 45, 60]),
      dueDateConfigType: dueDateType,
      paymentTypeIds: faker.datatype.boolean(0.5)
        ? faker.helpers.arrayElements(activePaymentTypeIds, { min: 1, max: 3 }).sort((a, b) => a - b)
        : [],
      website: faker.datatype.boolean(0.2) ? `https://www.${handle.replaceAll('.', '-')}.${country.webDomain}` : null,
      taxNumber: faker.datatype.boolean(0.3) ? faker.helpers.replaceSymbols(country.taxNumberFormat) : null,
      companyRegistrationNumber: faker.datatype.boolean(0.2)
        ? faker.string.alphanumeric({ length: 9, casing: 'upper' })
        : null,
      // Mostly the country's own currency, otherwise the organization's.
      currency: faker.datatype.boolean(0.8) ? country.currency : data.organization.currency,
      customerRisk: risk?.value ?? null,
      customerRiskColor: risk?.color ?? null,
      regionId: billing.regionId ?? shipping?.regionId ?? null,
    });
  }
  // Not push(...customers): spreading a six-figure array overflows the call stack.
  data.customers = data.customers.concat(customers);
  data.next.customerId = firstId + count;
}

/** A name as the local part of an address: "Épicerie Ben Salah" → "epicerie.ben.salah". */
function asciiHandle(name: string): string {
  return name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '.');
}
