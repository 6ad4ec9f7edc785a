/** What other stages may use of similarity: the readable reason two titles are alike. */
export { similarityReason } from './similarity-reason';
