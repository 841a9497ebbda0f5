// Generated TypeScript types and topic constants from schemas/ (do not edit by hand).
export {};
