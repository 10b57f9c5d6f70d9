import { toIsoSeconds } from '../src/core/dates.js';
import type { SeedSpec } from '../src/core/store.js';
import { customers } from '../src/vendors/imonggo/customers.js';
import { readWritableFields } from '../src/vendors/imonggo/fields.js';
import type { Customer, ImonggoData, ImonggoRecord, Supplier } from '../src/vendors/imonggo/model.js';
import { createRecord, storeRevision } from '../src/vendors/imonggo/repository.js';
import type { ResourceDefinition } from '../src/vendors/imonggo/resource.js';
import { suppliers } from '../src/vendors/imonggo/suppliers.js';
import { REFERENCE_DATE } from './reference.js';

/** Builds a tenant's Imonggo data for a seed spec. */
export async function seedImonggo(spec: SeedSpec): Promise<ImonggoData> {
  if (spec.dataset === 'empty')
    return {
      customers: [],
      suppliers: [],
      next: { customerId: 1, customerCode: 1, supplierId: 1 },
      answeredLastUpdate: { customers: null, suppliers: null },
    };
  const data = docsData();
  if (spec.dataset === 'demo') await addGenerated(data, spec);
  return data;
}

/**
 * Exactly the records the vendor's pages show. The sequences continue from them the way the
 * pages do: the next customer is id 12, code 000002 ("John Smith"), the next supplier id 23248.
 */
function docsData(): ImonggoData {
  const customer11: Customer = {
    alternate_code: null,
    birthday: null,
    city: null,
    code: '000001',
    company_name: null,
    country: null,
    customer_type_id: null,
    email: null,
    fax: null,
    first_name: 'Customer',
    id: 11,
    last_name: '1',
    mobile: null,
    name: 'Customer 1',
    remark: null,
    state: '',
    status: 'D',
    street: null,
    tax_exempt: false,
    telephone: null,
    tin: null,
    zipcode: null,
    customer_type_name: null,
    discount_text: '',
    birthdate: null,
    utc_created_at: '2011-04-21T02:38:27Z',
    utc_updated_at: '2011-04-21T02:54:55Z',
  };
  // The supplier sample shows no timestamps; it gets the one its page's last_updated_at shows.
  const supplier22259: Supplier = {
    city: null,
    code: '2434HI',
    contact_person: 'Jarret Pires',
    contact_position: null,
    contact_title: 'Mr',
    country: null,
    discount_text: null,
    email: 'jpiresc@home.pl',
    fax: null,
    id: 22259,
    mobile: null,
    name: 'Zoombeat',
    remark: 'deploy clicks-and-mortar e-commerce',
    state: null,
    status: null,
    street: '7 Thompson Road',
    tax_exempt: null,
    telephone: null,
    zipcode: null,
    utc_created_at: '2011-04-13T04:37:45Z',
    utc_updated_at: '2011-04-13T04:37:45Z',
  };
  return {
    customers: [customer11],
    suppliers: [supplier22259],
    next: { customerId: 12, customerCode: 2, supplierId: 23248 },
    answeredLastUpdate: { customers: null, suppliers: null },
  };
}

const YEAR_MS = 365 * 24 * 3600 * 1000;

/** Adds `spec.records` customers and suppliers made by faker from the seed, through the same
 * create path the API uses (so widths, defaults and uniqueness hold for them too). */
async function addGenerated(data: ImonggoData, spec: SeedSpec): Promise<void> {
  // Loaded here, not at import: most processes never seed a demo tenant before they are ready.
  // The English instance alone loads in a sixth of the time the package's every-locale entry takes.
  const { faker } = await import('@faker-js/faker/locale/en');
  // Generation below is synchronous, so seeding the shared instance here cannot interleave.
  faker.seed(spec.seed);
  faker.setDefaultRefDate(REFERENCE_DATE);

  const timeline = (count: number) =>
    Array.from({ length: count }, () =>
      faker.date.between({ from: REFERENCE_DATE.getTime() - YEAR_MS, to: REFERENCE_DATE }).getTime(),
    ).sort((a, b) => a - b);

  const customerTimes = timeline(spec.records);
  for (const [index, createdMs] of customerTimes.entries()) {
    const firstName = faker.person.firstName();
    const lastName = faker.person.lastName();
    const fields = {
      first_name: firstName,
      last_name: lastName,
      alternate_code: faker.datatype.boolean(0.3) ? `ALT-${String(index + 1).padStart(5, '0')}` : null,
      company_name: faker.datatype.boolean(0.4) ? faker.company.name() : null,
      tin: faker.datatype.boolean(0.3) ? faker.string.numeric(12) : null,
      tax_exempt: String(faker.datatype.boolean(0.1)),
      street: faker.location.streetAddress(),
      city: faker.location.city(),
      state: faker.location.state(),
      zipcode: faker.location.zipCode('####'),
      country: 'PH',
      telephone: faker.phone.number({ style: 'national' }),
      mobile: faker.datatype.boolean(0.6) ? faker.phone.number({ style: 'national' }) : null,
      email: faker.internet.email({ firstName, lastName }).toLowerCase(),
      remark: faker.datatype.boolean(0.2) ? faker.lorem.sentence() : null,
      birthdate: faker.datatype.boolean(0.5) ? faker.date.birthdate().toISOString().slice(0, 10) : null,
    };
    addAt(data, customers, fields, createdMs, faker);
  }

  const supplierTimes = timeline(spec.records);
  for (const [index, createdMs] of supplierTimes.entries()) {
    const fields = {
      name: faker.company.name(),
      code: `SUP${String(index + 1).padStart(4, '0')}`,
      contact_person: faker.person.fullName(),
      contact_title: faker.person.prefix(),
      contact_position: faker.person.jobTitle(),
      street: faker.location.streetAddress(),
      city: faker.location.city(),
      zipcode: faker.location.zipCode('####'),
      country: 'Philippines',
      state: faker.location.state(),
      telephone: faker.phone.number({ style: 'national' }),
      email: faker.internet.email().toLowerCase(),
      remark: faker.datatype.boolean(0.3) ? faker.company.catchPhrase() : null,
    };
    addAt(data, suppliers, fields, createdMs, faker);
  }
}

type SeedFaker = typeof import('@faker-js/faker/locale/en').faker;

// Creates a record as a client would, then dates it: created at `createdMs`, last updated some
// time after (never past the reference date), and one in twenty deleted.
function addAt<R extends ImonggoRecord>(
  data: ImonggoData,
  resource: ResourceDefinition<R>,
  fields: Record<string, string | null>,
  createdMs: number,
  faker: SeedFaker,
): void {
  const written = readWritableFields(resource.writable, new Map(Object.entries(fields)));
  const record = createRecord(data, resource, written, toIsoSeconds(createdMs));
  const updatedMs = faker.datatype.boolean(0.5)
    ? faker.date.between({ from: createdMs, to: REFERENCE_DATE }).getTime()
    : createdMs;
  const deleted = faker.datatype.boolean(0.05);
  storeRevision(data, resource, { ...record, utc_updated_at: toIsoSeconds(updatedMs), status: deleted ? 'D' : null });
}
