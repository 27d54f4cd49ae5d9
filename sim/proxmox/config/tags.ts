// PVE::GuestHelpers::get_unique_tags with the default tag style: tags are compared
// case-insensitively, de-duplicated, sorted and joined with ';'.
import { splitList } from '../http/pve-formats.ts';

/** Normalizes a tag list the way PVE stores it. */
export function normalizeTags(raw: string): string {
  const unique = new Set(splitList(raw).map((tag) => tag.toLowerCase()));
  return [...unique].sort().join(';');
}
