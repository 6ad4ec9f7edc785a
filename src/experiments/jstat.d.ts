// jstat ships no types; these are the calls the experiment statistics and the quality monitor's checks make.
declare module 'jstat' {
  export const jStat: {
    chisquare: { cdf(x: number, degreesOfFreedom: number): number };
    normal: { cdf(x: number, mean: number, std: number): number };
  };
}
