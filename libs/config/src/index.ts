// Environment parsing and validation at start-up; the only reader of process.env.
export {};
