/** What other stages may use of retrieval: the collaborative model and the scores ranking reuses as features and priors. */
export { CollaborativeModel } from './collaborative-model';
export { coldStartPrior, contentAffinity } from './model-sources';
