// Partner catalog and cross-references loaded from reviewed configuration.
export {};
