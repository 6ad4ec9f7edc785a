import type { ArtworkTheme } from '../domain/types';

/** The generator's fixed vocabulary: genres, moods, countries and the words titles are made of. */

export const GENRES = [
  'Action', 'Adventure', 'Animation', 'Anime', 'Biography', 'Comedy', 'Crime', 'Documentary',
  'Drama', 'Family', 'Fantasy', 'History', 'Horror', 'Kids', 'Music', 'Mystery', 'Reality',
  'Romance', 'Sci-Fi', 'Sports', 'Stand-Up Comedy', 'Teen', 'Thriller', 'War', 'Western',
] as const;

/** Relative share of each genre in the catalog (same order as GENRES). */
export const GENRE_WEIGHTS = [
  9, 5, 4, 3, 2, 11, 7, 5, 14, 4, 4, 2, 5, 4, 2, 4, 3, 7, 4, 2, 2, 3, 8, 2, 1,
];

/** Genres suitable for kids profiles; titles whose primary genre is here get low ratings. */
export const KIDS_GENRES = new Set(['Animation', 'Family', 'Kids']);

export const TAGS = [
  'dark', 'feel-good', 'witty', 'suspenseful', 'heartfelt', 'gritty', 'quirky', 'romantic',
  'cerebral', 'violent', 'inspiring', 'slow-burn', 'fast-paced', 'based on a true story',
  'twist ending', 'coming of age', 'small town', 'big city', 'period piece', 'dystopian',
  'revenge', 'heist', 'found family', 'workplace', 'road trip', 'courtroom', 'supernatural',
  'survival', 'political', 'musical numbers', 'high school', 'underdog', 'psychological',
  'family drama', 'buddy', 'satire', 'spy', 'martial arts', 'space', 'time travel',
];

export interface CountrySpec {
  code: string;
  name: string;
  /** Adjective used in row titles ("Korean TV Shows"). */
  adjective: string;
  language: string;
  utcOffsetMinutes: number;
  /** Share of the catalog produced there, and share of accounts living there. */
  catalogWeight: number;
  accountWeight: number;
}

export const COUNTRIES: CountrySpec[] = [
  { code: 'US', name: 'United States', adjective: 'American', language: 'en', utcOffsetMinutes: -300, catalogWeight: 34, accountWeight: 30 },
  { code: 'GB', name: 'United Kingdom', adjective: 'British', language: 'en', utcOffsetMinutes: 0, catalogWeight: 8, accountWeight: 8 },
  { code: 'KR', name: 'South Korea', adjective: 'Korean', language: 'ko', utcOffsetMinutes: 540, catalogWeight: 7, accountWeight: 6 },
  { code: 'JP', name: 'Japan', adjective: 'Japanese', language: 'ja', utcOffsetMinutes: 540, catalogWeight: 6, accountWeight: 6 },
  { code: 'ES', name: 'Spain', adjective: 'Spanish', language: 'es', utcOffsetMinutes: 60, catalogWeight: 5, accountWeight: 5 },
  { code: 'MX', name: 'Mexico', adjective: 'Mexican', language: 'es', utcOffsetMinutes: -360, catalogWeight: 4, accountWeight: 6 },
  { code: 'IN', name: 'India', adjective: 'Indian', language: 'hi', utcOffsetMinutes: 330, catalogWeight: 8, accountWeight: 8 },
  { code: 'FR', name: 'France', adjective: 'French', language: 'fr', utcOffsetMinutes: 60, catalogWeight: 4, accountWeight: 4 },
  { code: 'DE', name: 'Germany', adjective: 'German', language: 'de', utcOffsetMinutes: 60, catalogWeight: 3, accountWeight: 5 },
  { code: 'IT', name: 'Italy', adjective: 'Italian', language: 'it', utcOffsetMinutes: 60, catalogWeight: 2, accountWeight: 3 },
  { code: 'BR', name: 'Brazil', adjective: 'Brazilian', language: 'pt', utcOffsetMinutes: -180, catalogWeight: 3, accountWeight: 6 },
  { code: 'CA', name: 'Canada', adjective: 'Canadian', language: 'en', utcOffsetMinutes: -300, catalogWeight: 3, accountWeight: 3 },
  { code: 'AU', name: 'Australia', adjective: 'Australian', language: 'en', utcOffsetMinutes: 600, catalogWeight: 2, accountWeight: 2 },
  { code: 'SE', name: 'Sweden', adjective: 'Swedish', language: 'sv', utcOffsetMinutes: 60, catalogWeight: 1, accountWeight: 1 },
  { code: 'DK', name: 'Denmark', adjective: 'Danish', language: 'da', utcOffsetMinutes: 60, catalogWeight: 1, accountWeight: 1 },
  { code: 'TR', name: 'Turkey', adjective: 'Turkish', language: 'tr', utcOffsetMinutes: 180, catalogWeight: 2, accountWeight: 2 },
  { code: 'NG', name: 'Nigeria', adjective: 'Nigerian', language: 'en', utcOffsetMinutes: 60, catalogWeight: 1, accountWeight: 1 },
  { code: 'CN', name: 'China', adjective: 'Chinese', language: 'zh', utcOffsetMinutes: 480, catalogWeight: 2, accountWeight: 0 },
  { code: 'TH', name: 'Thailand', adjective: 'Thai', language: 'th', utcOffsetMinutes: 420, catalogWeight: 1, accountWeight: 1 },
  { code: 'AR', name: 'Argentina', adjective: 'Argentine', language: 'es', utcOffsetMinutes: -180, catalogWeight: 1, accountWeight: 2 },
];

/** Which artwork themes suit which genres: a title's variants are drawn from its genres' themes. */
export const GENRE_THEMES: Record<string, ArtworkTheme[]> = {
  Action: ['ACTION', 'DRAMATIC', 'ENSEMBLE'], Adventure: ['ACTION', 'SCENIC', 'ENSEMBLE'],
  Animation: ['COMEDY', 'ENSEMBLE', 'SCENIC'], Anime: ['ACTION', 'DRAMATIC', 'PORTRAIT'],
  Biography: ['PORTRAIT', 'DRAMATIC'], Comedy: ['COMEDY', 'ENSEMBLE', 'PORTRAIT'],
  Crime: ['DARK', 'DRAMATIC', 'PORTRAIT'], Documentary: ['SCENIC', 'PORTRAIT'],
  Drama: ['DRAMATIC', 'PORTRAIT', 'ROMANCE'], Family: ['COMEDY', 'ENSEMBLE', 'SCENIC'],
  Fantasy: ['SCENIC', 'ACTION', 'DRAMATIC'], History: ['SCENIC', 'DRAMATIC', 'PORTRAIT'],
  Horror: ['DARK', 'PORTRAIT'], Kids: ['COMEDY', 'ENSEMBLE'], Music: ['PORTRAIT', 'ENSEMBLE'],
  Mystery: ['DARK', 'PORTRAIT', 'DRAMATIC'], Reality: ['ENSEMBLE', 'COMEDY'],
  Romance: ['ROMANCE', 'PORTRAIT'], 'Sci-Fi': ['ACTION', 'SCENIC', 'DARK'],
  Sports: ['ACTION', 'ENSEMBLE'], 'Stand-Up Comedy': ['COMEDY', 'PORTRAIT'],
  Teen: ['ROMANCE', 'ENSEMBLE', 'COMEDY'], Thriller: ['DARK', 'DRAMATIC', 'ACTION'],
  War: ['ACTION', 'DRAMATIC', 'SCENIC'], Western: ['SCENIC', 'ACTION', 'PORTRAIT'],
};

export const TITLE_WORDS = {
  adjectives: [
    'Last', 'Silent', 'Broken', 'Golden', 'Hidden', 'Crimson', 'Endless', 'Midnight', 'Lost',
    'Wild', 'Secret', 'Burning', 'Frozen', 'Little', 'Final', 'Distant', 'Dark', 'Bright',
    'Restless', 'Savage', 'Gentle', 'Electric', 'Hollow', 'Northern', 'Paper', 'Iron', 'Velvet',
  ],
  nouns: [
    'Harbor', 'Kingdom', 'Summer', 'Witness', 'Garden', 'Empire', 'River', 'Signal', 'Island',
    'Detective', 'Heart', 'Road', 'Season', 'Storm', 'Letter', 'Game', 'Circle', 'Shadow',
    'Promise', 'Frontier', 'Orchard', 'Hotel', 'Academy', 'Station', 'Crown', 'Ghost', 'Voyage',
    'Family', 'Chef', 'Mountain', 'Mirror', 'Rebellion', 'Lighthouse', 'Code', 'Dynasty', 'Song',
  ],
  patterns: ['The {a} {n}', '{a} {n}', 'The {n}', '{n} of the {a} {n2}', 'A {a} {n}', '{n} & {n2}', 'Beyond the {n}'],
};

/** Given and family names per language; people are built from these. */
export const NAMES: Record<string, { given: string[]; family: string[] }> = {
  en: { given: ['James', 'Olivia', 'Noah', 'Emma', 'Liam', 'Ava', 'Ethan', 'Mia', 'Lucas', 'Chloe', 'Grace', 'Owen', 'Ruby', 'Jack', 'Ella', 'Henry'], family: ['Carter', 'Hughes', 'Bennett', 'Walsh', 'Reed', 'Foster', 'Brooks', 'Hayes', 'Murphy', 'Lane', 'Porter', 'Shaw', 'Quinn', 'Ellis', 'Grant', 'Doyle'] },
  ko: { given: ['Min-jun', 'Seo-yeon', 'Ji-ho', 'Ha-eun', 'Do-yoon', 'Soo-ah', 'Jae-won', 'Yu-na', 'Hyun-woo', 'Ji-min'], family: ['Kim', 'Lee', 'Park', 'Choi', 'Jung', 'Kang', 'Yoon', 'Han'] },
  ja: { given: ['Haruto', 'Yui', 'Sota', 'Hina', 'Ren', 'Aoi', 'Kaito', 'Sakura', 'Riku', 'Mei'], family: ['Sato', 'Suzuki', 'Takahashi', 'Tanaka', 'Watanabe', 'Ito', 'Yamamoto', 'Kobayashi'] },
  es: { given: ['Mateo', 'Lucia', 'Diego', 'Sofia', 'Javier', 'Valentina', 'Pablo', 'Carmen', 'Alejandro', 'Elena'], family: ['Garcia', 'Martinez', 'Lopez', 'Sanchez', 'Romero', 'Torres', 'Navarro', 'Ruiz'] },
  hi: { given: ['Aarav', 'Ananya', 'Vihaan', 'Diya', 'Arjun', 'Isha', 'Rohan', 'Priya', 'Kabir', 'Meera'], family: ['Sharma', 'Patel', 'Kapoor', 'Khan', 'Singh', 'Mehta', 'Reddy', 'Iyer'] },
  fr: { given: ['Louis', 'Camille', 'Hugo', 'Lea', 'Jules', 'Manon', 'Arthur', 'Ines'], family: ['Martin', 'Bernard', 'Dubois', 'Moreau', 'Laurent', 'Girard'] },
  de: { given: ['Leon', 'Hannah', 'Felix', 'Lena', 'Paul', 'Marie', 'Jonas', 'Lara'], family: ['Muller', 'Schmidt', 'Weber', 'Fischer', 'Wagner', 'Becker'] },
  it: { given: ['Marco', 'Giulia', 'Luca', 'Chiara', 'Matteo', 'Sara'], family: ['Rossi', 'Russo', 'Ferrari', 'Esposito', 'Bianchi', 'Romano'] },
  pt: { given: ['Gabriel', 'Beatriz', 'Rafael', 'Larissa', 'Thiago', 'Julia'], family: ['Silva', 'Santos', 'Oliveira', 'Souza', 'Costa', 'Pereira'] },
  sv: { given: ['Erik', 'Astrid', 'Lars', 'Ingrid', 'Nils', 'Freja'], family: ['Andersson', 'Johansson', 'Lindqvist', 'Berg'] },
  da: { given: ['Mads', 'Freya', 'Rasmus', 'Ida', 'Anders', 'Sofie'], family: ['Nielsen', 'Jensen', 'Hansen', 'Larsen'] },
  tr: { given: ['Emir', 'Zeynep', 'Kerem', 'Elif', 'Burak', 'Defne'], family: ['Yilmaz', 'Kaya', 'Demir', 'Sahin', 'Celik'] },
  zh: { given: ['Wei', 'Xiu', 'Jun', 'Mei', 'Hao', 'Lin'], family: ['Wang', 'Li', 'Zhang', 'Liu', 'Chen'] },
  th: { given: ['Niran', 'Malee', 'Somchai', 'Ploy', 'Krit', 'Dao'], family: ['Srisai', 'Wongsa', 'Chaiyo', 'Boonmee'] },
};
