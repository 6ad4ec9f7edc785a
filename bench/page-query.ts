/**
 * What a homepage client asks of a page (the README's example without its scores and metadata):
 * rows, titles, artwork, reasons. The replicas and sizes benchmarks load servers with it.
 */
export const PAGE_QUERY = `query($id: ID!) { homepage(profileId: $id, context: { device: TV }) {
  requestId rows { id kind displayTitle reason items { title { id name } artwork { url } reason } } } }`;
