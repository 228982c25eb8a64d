/** Placeholder replaced below. */
export interface GoxCarried {
  format: "gox";
}
