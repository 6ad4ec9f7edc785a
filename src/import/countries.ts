/**
 * Countries as spelled in Kaggle's netflix_titles.csv, with ISO codes, the adjective row names use
 * ("Korean TV Shows") and the country's main language. The table covers every country in the file;
 * `language` is the language most of the country's screen output is in, not an official list
 * (so Nigeria, Kenya and Singapore are 'en', Belgium 'nl', Hong Kong and Taiwan 'zh').
 */

export interface CountryInfo {
  /** ISO 3166-1 alpha-2. */
  code: string;
  name: string;
  adjective: string;
  /** ISO 639-1. */
  language: string;
}

/** Code returned for an empty or unrecognised country, so callers can count and filter it. */
export const UNKNOWN_COUNTRY = 'XX';
/** Language paired with UNKNOWN_COUNTRY: ISO 639-1 has no "undetermined" code. */
export const UNKNOWN_LANGUAGE = 'xx';

// [code, name, adjective, language]; kept as tuples so the table stays readable at ~120 entries.
const TABLE: [string, string, string, string][] = [
  ['AF', 'Afghanistan', 'Afghan', 'fa'],
  ['AL', 'Albania', 'Albanian', 'sq'],
  ['DZ', 'Algeria', 'Algerian', 'ar'],
  ['AO', 'Angola', 'Angolan', 'pt'],
  ['AR', 'Argentina', 'Argentine', 'es'],
  ['AM', 'Armenia', 'Armenian', 'hy'],
  ['AU', 'Australia', 'Australian', 'en'],
  ['AT', 'Austria', 'Austrian', 'de'],
  ['AZ', 'Azerbaijan', 'Azerbaijani', 'az'],
  ['BS', 'Bahamas', 'Bahamian', 'en'],
  ['BD', 'Bangladesh', 'Bangladeshi', 'bn'],
  ['BY', 'Belarus', 'Belarusian', 'ru'],
  ['BE', 'Belgium', 'Belgian', 'nl'],
  ['BM', 'Bermuda', 'Bermudian', 'en'],
  ['BW', 'Botswana', 'Botswanan', 'en'],
  ['BR', 'Brazil', 'Brazilian', 'pt'],
  ['BG', 'Bulgaria', 'Bulgarian', 'bg'],
  ['BF', 'Burkina Faso', 'Burkinabe', 'fr'],
  ['KH', 'Cambodia', 'Cambodian', 'km'],
  ['CM', 'Cameroon', 'Cameroonian', 'fr'],
  ['CA', 'Canada', 'Canadian', 'en'],
  ['KY', 'Cayman Islands', 'Caymanian', 'en'],
  ['CL', 'Chile', 'Chilean', 'es'],
  ['CN', 'China', 'Chinese', 'zh'],
  ['CO', 'Colombia', 'Colombian', 'es'],
  ['HR', 'Croatia', 'Croatian', 'hr'],
  ['CU', 'Cuba', 'Cuban', 'es'],
  ['CY', 'Cyprus', 'Cypriot', 'el'],
  ['CZ', 'Czech Republic', 'Czech', 'cs'],
  ['DK', 'Denmark', 'Danish', 'da'],
  ['DO', 'Dominican Republic', 'Dominican', 'es'],
  ['EC', 'Ecuador', 'Ecuadorian', 'es'],
  ['EG', 'Egypt', 'Egyptian', 'ar'],
  ['ET', 'Ethiopia', 'Ethiopian', 'am'],
  ['FI', 'Finland', 'Finnish', 'fi'],
  ['FR', 'France', 'French', 'fr'],
  ['GE', 'Georgia', 'Georgian', 'ka'],
  ['DE', 'Germany', 'German', 'de'],
  ['GH', 'Ghana', 'Ghanaian', 'en'],
  ['GR', 'Greece', 'Greek', 'el'],
  ['GT', 'Guatemala', 'Guatemalan', 'es'],
  ['HK', 'Hong Kong', 'Hong Kong', 'zh'],
  ['HU', 'Hungary', 'Hungarian', 'hu'],
  ['IS', 'Iceland', 'Icelandic', 'is'],
  ['IN', 'India', 'Indian', 'hi'],
  ['ID', 'Indonesia', 'Indonesian', 'id'],
  ['IR', 'Iran', 'Iranian', 'fa'],
  ['IQ', 'Iraq', 'Iraqi', 'ar'],
  ['IE', 'Ireland', 'Irish', 'en'],
  ['IL', 'Israel', 'Israeli', 'he'],
  ['IT', 'Italy', 'Italian', 'it'],
  ['JM', 'Jamaica', 'Jamaican', 'en'],
  ['JP', 'Japan', 'Japanese', 'ja'],
  ['JO', 'Jordan', 'Jordanian', 'ar'],
  ['KZ', 'Kazakhstan', 'Kazakh', 'kk'],
  ['KE', 'Kenya', 'Kenyan', 'en'],
  ['KW', 'Kuwait', 'Kuwaiti', 'ar'],
  ['LV', 'Latvia', 'Latvian', 'lv'],
  ['LB', 'Lebanon', 'Lebanese', 'ar'],
  ['LI', 'Liechtenstein', 'Liechtenstein', 'de'],
  ['LT', 'Lithuania', 'Lithuanian', 'lt'],
  ['LU', 'Luxembourg', 'Luxembourgish', 'lb'],
  ['MW', 'Malawi', 'Malawian', 'en'],
  ['MY', 'Malaysia', 'Malaysian', 'ms'],
  ['MT', 'Malta', 'Maltese', 'mt'],
  ['MU', 'Mauritius', 'Mauritian', 'en'],
  ['MX', 'Mexico', 'Mexican', 'es'],
  ['MN', 'Mongolia', 'Mongolian', 'mn'],
  ['ME', 'Montenegro', 'Montenegrin', 'sr'],
  ['MA', 'Morocco', 'Moroccan', 'ar'],
  ['MZ', 'Mozambique', 'Mozambican', 'pt'],
  ['NA', 'Namibia', 'Namibian', 'en'],
  ['NP', 'Nepal', 'Nepali', 'ne'],
  ['NL', 'Netherlands', 'Dutch', 'nl'],
  ['NZ', 'New Zealand', 'New Zealand', 'en'],
  ['NI', 'Nicaragua', 'Nicaraguan', 'es'],
  ['NG', 'Nigeria', 'Nigerian', 'en'],
  ['NO', 'Norway', 'Norwegian', 'no'],
  ['PK', 'Pakistan', 'Pakistani', 'ur'],
  ['PS', 'Palestine', 'Palestinian', 'ar'],
  ['PA', 'Panama', 'Panamanian', 'es'],
  ['PY', 'Paraguay', 'Paraguayan', 'es'],
  ['PE', 'Peru', 'Peruvian', 'es'],
  ['PH', 'Philippines', 'Filipino', 'tl'],
  ['PL', 'Poland', 'Polish', 'pl'],
  ['PT', 'Portugal', 'Portuguese', 'pt'],
  ['PR', 'Puerto Rico', 'Puerto Rican', 'es'],
  ['QA', 'Qatar', 'Qatari', 'ar'],
  ['RO', 'Romania', 'Romanian', 'ro'],
  ['RU', 'Russia', 'Russian', 'ru'],
  ['WS', 'Samoa', 'Samoan', 'sm'],
  ['SA', 'Saudi Arabia', 'Saudi', 'ar'],
  ['SN', 'Senegal', 'Senegalese', 'fr'],
  ['RS', 'Serbia', 'Serbian', 'sr'],
  ['SG', 'Singapore', 'Singaporean', 'en'],
  ['SK', 'Slovakia', 'Slovak', 'sk'],
  ['SI', 'Slovenia', 'Slovenian', 'sl'],
  ['SO', 'Somalia', 'Somali', 'so'],
  ['ZA', 'South Africa', 'South African', 'en'],
  ['KR', 'South Korea', 'Korean', 'ko'],
  ['ES', 'Spain', 'Spanish', 'es'],
  ['LK', 'Sri Lanka', 'Sri Lankan', 'si'],
  ['SD', 'Sudan', 'Sudanese', 'ar'],
  ['SE', 'Sweden', 'Swedish', 'sv'],
  ['CH', 'Switzerland', 'Swiss', 'de'],
  ['SY', 'Syria', 'Syrian', 'ar'],
  ['TW', 'Taiwan', 'Taiwanese', 'zh'],
  ['TH', 'Thailand', 'Thai', 'th'],
  ['TR', 'Turkey', 'Turkish', 'tr'],
  ['UG', 'Uganda', 'Ugandan', 'en'],
  ['UA', 'Ukraine', 'Ukrainian', 'uk'],
  ['AE', 'United Arab Emirates', 'Emirati', 'ar'],
  ['GB', 'United Kingdom', 'British', 'en'],
  ['US', 'United States', 'American', 'en'],
  ['UY', 'Uruguay', 'Uruguayan', 'es'],
  ['VA', 'Vatican City', 'Vatican', 'it'],
  ['VE', 'Venezuela', 'Venezuelan', 'es'],
  ['VN', 'Vietnam', 'Vietnamese', 'vi'],
  ['ZW', 'Zimbabwe', 'Zimbabwean', 'en'],
];

/** Historical states in the file, folded into their successor so they share rows and similarity. */
const FORMER_NAMES: Record<string, string> = { 'West Germany': 'DE', 'East Germany': 'DE', 'Soviet Union': 'RU' };

export const COUNTRY_TABLE: readonly CountryInfo[] = TABLE.map(([code, name, adjective, language]) => ({
  code,
  name,
  adjective,
  language,
}));

const BY_CODE = new Map(COUNTRY_TABLE.map((c) => [c.code, c]));
const BY_NAME = new Map<string, CountryInfo>([
  ...COUNTRY_TABLE.map((c) => [c.name.toLowerCase(), c] as const),
  ...Object.entries(FORMER_NAMES).map(([name, code]) => [name.toLowerCase(), BY_CODE.get(code)!] as const),
]);

export function countryByCode(code: string): CountryInfo | undefined {
  return BY_CODE.get(code);
}

/** Looks a country up by the name the CSV uses (case-insensitive, surrounding spaces ignored). */
export function countryByName(name: string): CountryInfo | undefined {
  return BY_NAME.get(name.trim().toLowerCase());
}
