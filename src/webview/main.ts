/** The panel script (placeholder until the panel lands). */
export {};
