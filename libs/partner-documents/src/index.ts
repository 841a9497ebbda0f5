// Partner document formats (JSON, CSV, X12): parse, split, locate errors, build acknowledgements.
export {};
