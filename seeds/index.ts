import type { Seeder, VendorDataMap, VendorName } from '../src/core/store.js';
import { seedImonggo } from './imonggo.js';
import { seedMyposConnect } from './myposconnect.js';
import { seedValomnia } from './valomnia.js';

/** Every vendor's seeder by vendor name: what vendor plugins register and the seed worker runs. */
export const SEEDERS: { readonly [V in VendorName]: Seeder<VendorDataMap[V]> } = {
  imonggo: seedImonggo,
  myposconnect: seedMyposConnect,
  valomnia: seedValomnia,
};
