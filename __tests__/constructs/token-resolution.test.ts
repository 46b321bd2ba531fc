// constructs/token-resolution.ts against cdktf's own resolve(): the same value or the same error for values made to
// reach every branch (tokens of each kind, escapes, encoded numbers in text, what cdktf refuses). The same files
// for whole apps, JSON and HCL: __tests__/properties/token-resolution.property.test.ts.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App, DefaultTokenResolver, Fn, Lazy, StringConcat, TerraformStack, TerraformVariable, Token } from "cdktf";
import fc from "fast-check";
import { mayHoldEncodedNumber, resolve, resolvesFast, withCdktfTokenResolution, withFastTokenResolution } from "../../constructs/token-resolution";
import { runApp } from "../helpers";
import cdktfResolveModule = require("cdktf/lib/tokens/private/resolve");

test("is what the tests synthesize with, as the app command does (main.ts), and is put back after withFastTokenResolution", () => {
  expect(resolvesFast()).toBe(true);
  withCdktfTokenResolution(() => {
    expect(resolvesFast()).toBe(false);
    expect(withFastTokenResolution(resolvesFast)).toBe(true);
    expect(resolvesFast()).toBe(false);
  });
});

test("the app command (main.ts) synthesizes with it, whatever was installed before, and puts that back", () => {
  withCdktfTokenResolution(() => {
    const module = cdktfResolveModule as { resolve: typeof resolve };
    const own = module.resolve;
    let calls = 0;
    const counting = (obj: unknown, options: Parameters<typeof resolve>[1]) => ((calls += 1), own(obj, options));
    module.resolve = counting;
    try {
      expect(runApp("", mkdtempSync(join(tmpdir(), "token-resolution-app-")))).toMatchObject({ code: 0 });
      expect(calls).toBe(0);
      expect(module.resolve).toBe(counting);
    } finally {
      module.resolve = own;
    }
  });
});

test("rules out text for encoded numbers exactly where cdktf's pattern finds no match", () => {
  const pattern = /[-|\d|.\+]+(e[-|\d|.|e|E|\+]+)/;
  const text = fc.string({ unit: fc.constantFrom(..."-|0123456789.+eExa "), maxLength: 8 });
  fc.assert(fc.property(text, (t) => mayHoldEncodedNumber(t) === pattern.test(t)), { numRuns: 3000 });
});

describe("a value, resolved both ways, gives the same value or the same error", () => {
  const app = new App({ outdir: mkdtempSync(join(tmpdir(), "token-resolution-")), stackTraces: false, skipValidation: true });
  const stack = new TerraformStack(app, "values");
  const variable = new TerraformVariable(stack, "v", { type: "string" });
  const lazy = (value: unknown) => Lazy.anyValue({ produce: () => value });
  const number = Token.asNumber(lazy(7));
  const deep = (depth: number): unknown => (depth === 0 ? "bottom" : { down: deep(depth - 1) });
  const values: [string, () => unknown][] = [
    ["plain values, undefined left out", () => ({ a: "text", b: 42, c: true, d: null, e: undefined, f: [1, undefined, "x"], g: { h: undefined } })],
    ["strings that look like encoded numbers", () => ["1e5", "a-e-b", "-e-", "1.5e+300", `${-1.8881545897087626e289}`, "e", "E5", "1e", "e1", "x1e1", "|e|", ".eE", "+e+", "ee", "1ee"]],
    ["a Date, a bigint-free number edge", () => [new Date(0), -0, 1e21, Number.MAX_SAFE_INTEGER]],
    ["escapes written as text", () => ["${literal}", "$${x}", "a}b{c", "%{ if x }y%{ endif }"]],
    ["a string token", () => Token.asString(lazy("produced"))],
    ["a token inside text", () => `before-${Token.asString(lazy("inside"))}-after`],
    ["a token that resolves to an object", () => Token.asString(lazy({ a: [1, 2], b: "${var.x}" }))],
    ["a token that resolves to a list whose text has an e", () => Token.asString(lazy(["a-e-b", 1e5]))],
    ["a number token, alone and in text", () => [number, `port ${number}`, `${number}/tcp`, `x${number}`, `${number}${number}`, { [`k${number}`]: 1 }]],
    ["a list token", () => Token.asList(lazy(["a", "b"]))],
    ["a number list token", () => Token.asNumberList(lazy([1, 2]))],
    ["map tokens", () => [Token.asStringMap(lazy({ a: "b" })), Token.asAnyMap(lazy({ a: 1 }))]],
    ["a variable and Terraform functions", () => [variable.stringValue, Fn.join(",", ["a", variable.stringValue]), Fn.upper(`x-${variable.stringValue}`)]],
    ["a key that is a token", () => ({ [Token.asString(lazy("key"))]: "value" })],
    ["a key that resolves to a number", () => ({ [Token.asString(lazy(5))]: "value" })],
    ["a function", () => ({ f: () => 1 })],
    ["a construct", () => ({ stack })],
    ["nesting past 200 levels", () => deep(205)],
    ["nesting of 199 levels", () => deep(199)],
    ["a list token alone in a string", () => `${Token.asList(lazy(["a"]))}`],
    ["the marker of a string map token", () => Token.STRING_MAP_TOKEN_VALUE],
    ["the marker of a number map token", () => Token.NUMBER_MAP_TOKEN_VALUE],
  ];
  const outcome = (resolveWith: () => unknown) => {
    try {
      return { value: resolveWith() };
    } catch (error) {
      return { error: `${(error as Error).constructor.name}: ${(error as Error).message}` };
    }
  };
  test.each(values)("%s", (_, make) => {
    for (const preparing of [false, true]) {
      const options = { scope: stack, preparing, resolver: new DefaultTokenResolver(new StringConcat()) };
      const value = make();
      const own = withCdktfTokenResolution(() => outcome(() => cdktfResolveModule.resolve(value, options)));
      const fast = outcome(() => resolve(value, options));
      expect(fast).toEqual(own);
    }
  });
});
