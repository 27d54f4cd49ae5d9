// PVE property strings (`key=value,key=value`, optionally with a leading default-key value).

/** A parsed property string: key/value pairs in their original order. */
export type PropertyList = [key: string, value: string][];

/** Splits `a=1,b=2` (values without `=` are returned with an empty key). */
export function parsePropertyString(text: string): PropertyList {
  return text
    .split(',')
    .filter((part) => part !== '')
    .map((part): [string, string] => {
      const at = part.indexOf('=');
      return at < 0 ? ['', part] : [part.slice(0, at), part.slice(at + 1)];
    });
}

/** The value of `key`, if present. */
export function propertyValue(list: PropertyList, key: string): string | undefined {
  return list.find(([k]) => k === key)?.[1];
}
