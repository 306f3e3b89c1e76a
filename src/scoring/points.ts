/** The points a match gives: fit points (`fit` is their sum over the persona's largest), and intent points out of 100. */

export const POINTS = {
  title: 45,
  role: 30,
  generalRole: 25,
  functionOnly: 12,
  seniority: 20,
  seniorityWithoutRole: 5,
  seniorityRejected: -15,
  industryFirst: 10,
  industryMore: 5,
  industryMax: 15,
  interestFirst: 6,
  interestMore: 2,
  interestMax: 10,
  education: 5,
  location: 10,
  locationElsewhere: -5,
  language: 5,
  languageOther: -15,
  audienceBelow: -15,
  audienceAbove: -10,
  tooYoung: -15,
} as const;

export const INTENT_POINTS = { question: 35, need: 40, needMore: 10, pain: 25, questionMark: 10 } as const;
/** What is left of a post's intent when it reads like a job post. */
export const JOB_POST_FACTOR = 0.3;
