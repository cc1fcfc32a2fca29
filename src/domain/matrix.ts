// The matrix aggregate: a collectivity's SWOT factors, its crossed TOWS
// strategies and its toolbox of initiatives.

export * from "./matrix/decide.ts";
export * from "./matrix/state.ts";
