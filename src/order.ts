/** Orders strings by UTF-16 code units, as `<` does: the same on every machine and in every locale, unlike
 *  `localeCompare`, for orders that must not vary (scan order, ID claims, build output). */
export function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
