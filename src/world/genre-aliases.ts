/**
 * How simulated viewers read genre names of a real catalog: which of the generator's genres
 * (the dimensions of their hidden taste) a name stands for. Names absent here, and marketing
 * groupings such as "International Movies" or "Korean TV Shows", move no taste dimension; the
 * country part of a viewer's taste covers the latter.
 */
export const GENRE_ALIASES: Record<string, string[]> = {
  Dramas: ['Drama'],
  'TV Dramas': ['Drama'],
  Comedies: ['Comedy'],
  'TV Comedies': ['Comedy'],
  Documentaries: ['Documentary'],
  Docuseries: ['Documentary'],
  'Science & Nature TV': ['Documentary'],
  'Action & Adventure': ['Action', 'Adventure'],
  'TV Action & Adventure': ['Action', 'Adventure'],
  'Children & Family Movies': ['Family', 'Kids'],
  "Kids' TV": ['Kids'],
  'Romantic Movies': ['Romance'],
  'Romantic TV Shows': ['Romance'],
  Thrillers: ['Thriller'],
  'TV Thrillers': ['Thriller'],
  'Crime TV Shows': ['Crime'],
  'TV Mysteries': ['Mystery'],
  'Horror Movies': ['Horror'],
  'TV Horror': ['Horror'],
  'Sci-Fi & Fantasy': ['Sci-Fi', 'Fantasy'],
  'TV Sci-Fi & Fantasy': ['Sci-Fi', 'Fantasy'],
  'Music & Musicals': ['Music'],
  'Stand-Up Comedy & Talk Shows': ['Stand-Up Comedy'],
  'Reality TV': ['Reality'],
  'Sports Movies': ['Sports'],
  'Teen TV Shows': ['Teen'],
  'Anime Series': ['Anime'],
  'Anime Features': ['Anime', 'Animation'],
};
