import { CapacityError } from '../../core/limits.js';
import type { Tenant, TenantStore } from '../../core/store.js';
import { imageUnsupported } from './errors.js';
import type { Upload } from './forms.js';
import { prepareImage, storedImageName, UnsupportedImageError } from './images.js';
import type { StoredImage, ValomniaData } from './model.js';
import { CUSTOMER_IMAGES } from './render.js';
import { imageBytes } from './repository.js';

/** Image bytes one tenant holds at most (originals and variants): room for dozens of logos. */
export const MAX_IMAGE_BYTES_PER_TENANT = 64 * 1024 * 1024;

/** A checked upload with its variants, not yet named or stored. */
export type PreparedUpload = Omit<StoredImage, 'fileName' | 'folder'> & { originalName: string };

/** Checks an upload's bytes and makes its variants; 400 unsupported_file_type when they are no image. */
export async function prepareUpload(upload: Upload): Promise<PreparedUpload> {
  try {
    const prepared = await prepareImage(upload.bytes);
    return {
      contentType: prepared.contentType,
      original: prepared.original,
      small: prepared.small,
      medium: prepared.medium,
      originalName: upload.fileName,
    };
  } catch (error) {
    if (error instanceof UnsupportedImageError) throw imageUnsupported();
    throw error;
  }
}

/**
 * Names a prepared customer image at the tenant clock's `nowMs`, the way the vendor names uploads
 * (`<epoch ms>_<file name>`). Call it in the same synchronous step that stores the image: the name
 * is free at that moment in every tenant sharing the upload directory (the docs dataset's tenants
 * all use the vendor's), the milliseconds moving on by one until it is. CapacityError when the
 * tenant's images would pass MAX_IMAGE_BYTES_PER_TENANT.
 */
export function nameCustomerImage(
  store: TenantStore,
  tenant: Tenant<ValomniaData>,
  prepared: PreparedUpload,
  nowMs: number,
): StoredImage {
  const size = prepared.original.length + prepared.small.length + prepared.medium.length;
  if (imageBytes(tenant.data) + size > MAX_IMAGE_BYTES_PER_TENANT) {
    throw new CapacityError(`a tenant holds at most ${MAX_IMAGE_BYTES_PER_TENANT} bytes of images`);
  }
  const directory = tenant.data.organization.uploadDirectory;
  const sharing = tenantsOfDirectory(store, directory);
  let ms = nowMs;
  let fileName = storedImageName(ms, prepared.originalName);
  while (sharing.some((data) => data.images.some((image) => image.fileName === fileName))) {
    ms += 1;
    fileName = storedImageName(ms, prepared.originalName);
  }
  const { originalName: _, ...bytes } = prepared;
  return { ...bytes, fileName, folder: CUSTOMER_IMAGES };
}

/** The data of every Valomnia tenant whose uploads live in `directory`. */
export function tenantsOfDirectory(store: TenantStore, directory: string): ValomniaData[] {
  return store
    .list()
    .filter((tenant) => tenant.vendor === 'valomnia')
    .map((tenant) => tenant.data as ValomniaData)
    .filter((data) => data.organization.uploadDirectory === directory);
}
