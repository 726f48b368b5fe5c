/**
 * Strings in code-unit order: the same on every machine, where `localeCompare` follows the machine's
 * locale (in Lithuanian, `y` sorts before `j`). For ids (`a-z`, `0-9`, `-`) it is also the order the
 * root collation gives.
 */
export const byCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)
