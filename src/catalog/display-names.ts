const regions = new Intl.DisplayNames(['en'], { type: 'region' });
const languages = new Intl.DisplayNames(['en'], { type: 'language' });

const nameOf = (names: Intl.DisplayNames, code: string) => {
  try {
    return names.of(code) ?? code;
  } catch {
    // An unknown or malformed code in imported data is shown as it is.
    return code;
  }
};

/** "KR" → "South Korea". */
export const countryName = (code: string) => nameOf(regions, code);

/** "ko" → "Korean". */
export const languageName = (code: string) => nameOf(languages, code);
