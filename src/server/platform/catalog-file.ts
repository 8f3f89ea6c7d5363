// Reads and validates the catalog file, turning every failure into one message that names the file.
import { readFileSync } from 'node:fs';
import { CatalogError, parseCatalog, type Catalog } from '../../engine/catalog';

export function loadCatalogFile(path: string): Catalog {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new CatalogError(`catalog: cannot read ${path}: ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new CatalogError(`catalog: ${path} is not valid JSON: ${(error as Error).message}`);
  }
  try {
    return parseCatalog(json);
  } catch (error) {
    if (error instanceof CatalogError) throw new CatalogError(`${error.message} (in ${path})`);
    throw error;
  }
}
