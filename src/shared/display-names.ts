const regions = new Intl.DisplayNames(['en'], { type: 'region' });
const languages = new Intl.DisplayNames(['en'], { type: 'language' });

/** Intl lookups are slow next to a page's budget, and a catalog has a few dozen codes: remember them. */
function cachedNames(names: Intl.DisplayNames): (code: string) => string {
  const known = new Map<string, string>();
  return (code) => {
    let name = known.get(code);
    if (name === undefined) {
      try {
        name = names.of(code) ?? code;
      } catch {
        // An unknown or malformed code in imported data is shown as it is.
        name = code;
      }
      known.set(code, name);
    }
    return name;
  };
}

/** "KR" → "South Korea". */
export const countryName = cachedNames(regions);

/** "ko" → "Korean". */
export const languageName = cachedNames(languages);
