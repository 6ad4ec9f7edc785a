// jstat ships no types; these are the calls the experiment statistics make.
declare module 'jstat' {
  export const jStat: {
    chisquare: { cdf(x: number, degreesOfFreedom: number): number };
  };
}
