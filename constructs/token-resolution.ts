// How cdktf resolves the tokens in every element while the stacks are synthesized: the same, with less work.
//
// Half of a synthesis is cdktf's resolve() (cdktf/lib/tokens/private/resolve.js), which runs over every value of
// every element twice: once to find cross-stack references, once to write the configuration. This is that function
// written again, for cdktf 0.21.0, its final release (installed only there); what it returns and throws is the same,
// value for value, and __tests__/constructs/token-resolution.test.ts holds the two to it. What cdktf's does that
// its result does not need:
// - it joins the whole path of keys into a string for every value, for error messages: here only for an error;
// - it copies the path of keys, and the options around it, into new objects for every value: here one array of keys
//   grows and shrinks as the walk goes down and up, copied only where a context is made (sixty syntheses in one
//   process spent 1.5 s in this function before, mostly in those copies, and 0.6 s since);
// - it makes a resolution context (an object and two closures) for every value, and two for every key of every
//   object, only to pass on four settings to what is below: here a context is made only to hand to a resolver or a
//   token, and the values of an array or object get those four settings in one plain object;
// - it runs three regular expressions over every string and every key, and a fourth over every key of every
//   object: here text without what each token marker contains (`{TfToken[`) skips the three that look for markers,
//   and text without an `e` between two characters of an encoded number skips the one that looks for those;
// - it makes a context for every number, to resolve the few that encode a token: here only for those;
// - it looks for a map token in each object twice, and resolves each key as any value.
// The order of the checks, the errors and what is left out (undefined values) are cdktf's, step for step.
import { TokenString, containsNumberListTokenElement, containsStringListTokenElement } from "cdktf/lib/tokens/private/encoding";
import { TokenMap } from "cdktf/lib/tokens/private/token-map";
import { type IResolveOptions } from "cdktf/lib/tokens/private/resolve";
import { type IPostProcessor, type IResolveContext, StringConcat } from "cdktf/lib/tokens/resolvable";
import { Token, Tokenization } from "cdktf/lib/tokens/token";
import * as errors from "cdktf/lib/errors";
// The module object itself, whose resolve() every other part of cdktf calls through (Tokenization.resolve).
import cdktfResolveModule = require("cdktf/lib/tokens/private/resolve");
import cdktfPackage = require("cdktf/package.json");

/** The cdktf release this was written against. */
const WRITTEN_FOR = "0.21.0";
/** Where cdktf's own resolve() is kept on its module while another is installed. */
const OWN = Symbol.for("soa-platform: cdktf's own resolve()");
/** Text that each of cdktf's string, list and map token markers contains. */
const MARKER = "{TfToken[";

type Settings = Pick<IResolveContext, "suppressBraces" | "ignoreEscapes" | "warnEscapes" | "iteratorContext">;

/** The path of keys, as cdktf's errors name it. */
const pathOf = (prefix: readonly string[]) => `/${prefix.join("/")}`;

/** What a value inherits from the context it is resolved in: all that is read of `previousContext`. */
function inherited(previous: Settings | undefined): Settings {
  return {
    suppressBraces: previous?.suppressBraces,
    ignoreEscapes: previous?.ignoreEscapes,
    warnEscapes: previous?.warnEscapes,
    iteratorContext: previous?.iteratorContext,
  };
}

/** A resolution context as cdktf makes it, and its post-processor; `appendPath` extends the path below it. */
function makeContext(options: IResolveOptions, appendPath?: string): [IResolveContext, IPostProcessor] {
  const newPrefix = appendPath !== undefined ? (options.prefix || []).concat([appendPath]) : options.prefix;
  let postProcessor: IPostProcessor | undefined;
  const context: IResolveContext = {
    preparing: options.preparing,
    scope: options.scope,
    suppressBraces: options.previousContext?.suppressBraces,
    ignoreEscapes: options.previousContext?.ignoreEscapes,
    warnEscapes: options.previousContext?.warnEscapes,
    iteratorContext: options.previousContext?.iteratorContext,
    registerPostProcessor(pp) {
      postProcessor = pp;
    },
    resolve(x) {
      return resolve(x, { ...options, prefix: newPrefix, previousContext: context });
    },
  };
  return [context, { postProcess: (x) => (postProcessor ? postProcessor.postProcess(x, context) : x) }];
}

/** Resolves every token in `obj` and leaves out undefined values, as cdktf's resolve() does. */
export function resolve(obj: any, options: IResolveOptions): any {
  return walk(obj, options, [...(options.prefix || [])]);
}

/** `options` with the path of keys as it is now: what a resolver or a token is handed. */
const at = (options: IResolveOptions, path: readonly string[]): IResolveOptions => ({ ...options, prefix: [...path] });

/**
 * resolve() below the top: `path` is the path of keys to `obj`, one array that grows and shrinks as the walk goes
 * down and up (options.prefix is not read), copied only where a context is made for a resolver or a token.
 */
function walk(obj: any, options: IResolveOptions, path: string[]): any {
  // protect against cyclic references by limiting depth.
  if (path.length > 200) throw errors.unableToResolveCircularReference(pathOf(path));
  if (typeof obj === "undefined") return undefined;
  if (obj === null) return null;
  if (typeof obj === "function") throw errors.cannotResolveFunction(pathOf(path), obj);
  if (typeof obj === "string") return resolveString(obj, options, path);
  if (typeof obj === "number") {
    if (obj === Token.NUMBER_MAP_TOKEN_VALUE) throw errors.encodedMapTokenInScalarNumberContext();
    const token = TokenMap.instance().lookupNumberToken(obj);
    return token === undefined ? obj : makeContext(at(options, path))[0].resolve(token);
  }
  if (typeof obj !== "object" || obj instanceof Date) return obj;
  if (Array.isArray(obj)) {
    if (containsStringListTokenElement(obj)) return options.resolver.resolveList(obj, makeContext(at(options, path))[0]);
    if (containsNumberListTokenElement(obj)) return options.resolver.resolveNumberList(obj, makeContext(at(options, path))[0]);
    const below = { ...options, previousContext: inherited(options.previousContext) as IResolveContext };
    const resolved = [];
    for (let i = 0; i < obj.length; i++) {
      path.push(`${i}`);
      const value = walk(obj[i], below, path);
      path.pop();
      if (typeof value !== "undefined") resolved.push(value);
    }
    return resolved;
  }
  const keys = Object.keys(obj);
  // cdktf's containsMapToken(), which runs a regular expression over every key.
  if (keys.some((key) => key.includes(MARKER) && TokenString.forMapToken(key).test())) {
    return options.resolver.resolveMap(obj, makeContext(at(options, path))[0]);
  }
  // What cdktf's unresolved() says of an object that holds no map token.
  if (Tokenization.isResolvable(obj)) {
    const [context, postProcessor] = makeContext(at(options, path));
    return options.resolver.resolveToken(obj, context, postProcessor);
  }
  // A construct here would be resolved through its parent and children without end.
  if (obj._children !== undefined && obj._metadata !== undefined) throw errors.constructsCannotBeResolved(pathOf(path));
  // A key is resolved where its object is, not below it; its value below it.
  const below = { ...options, previousContext: inherited(options.previousContext) as IResolveContext };
  const result: Record<string, unknown> = {};
  for (const key of keys) {
    // A key is a string, at the depth already checked: what resolve() does with it is resolveString().
    const resolvedKey = resolveString(key, below, path);
    if (typeof resolvedKey !== "string") throw errors.mapKeyMustResolveToString(pathOf(path), key, resolvedKey);
    path.push(key);
    const value = walk(obj[key], below, path);
    path.pop();
    if (typeof value !== "undefined") result[resolvedKey] = value;
  }
  return result;
}

/** Characters of cdktf's pattern for an encoded number (`[-|\d|.\+]+(e[-|\d|.|e|E|\+]+)`): before the `e`, after it. */
const NUMBER_BEFORE_E = new Set("-|0123456789.+");
const NUMBER_AFTER_E = new Set("-|0123456789.eE+");

/**
 * Whether cdktf's pattern for an encoded number can match `text`: only where an `e` has one of its characters on
 * either side (a match needs one of each), so most text is ruled out without the regular expression.
 */
export function mayHoldEncodedNumber(text: string): boolean {
  for (let i = text.indexOf("e", 1); i !== -1 && i < text.length - 1; i = text.indexOf("e", i + 1)) {
    if (NUMBER_BEFORE_E.has(text[i - 1]) && NUMBER_AFTER_E.has(text[i + 1])) return true;
  }
  return false;
}

/** A string with the tokens and encoded numbers in it resolved; `path` leads to it. */
function resolveString(obj: string, options: IResolveOptions, path: readonly string[]): any {
  const marked = obj.includes(MARKER);
  // A list token on its own in a string is a mistake cdktf names.
  if (marked && TokenString.forListToken(obj).test()) throw errors.encodedListTokenInScalarStringContext();
  if (obj === Token.STRING_MAP_TOKEN_VALUE || obj === Token.ANY_MAP_TOKEN_VALUE) throw errors.encodedMapTokenInScalarStringContext();
  let str: any = obj;
  if (marked) {
    const previous = options.previousContext;
    const tokenStr = TokenString.forString(str, !previous?.ignoreEscapes, previous?.warnEscapes);
    if (tokenStr.test()) {
      const map = TokenMap.instance();
      str = options.resolver.resolveString(tokenStr.split(map.lookupToken.bind(map)), makeContext(at(options, path))[0]);
    }
  }
  // Numbers encoding tokens, concatenated into the text. A resolver may have given something other than a string:
  // cdktf then tests its text, and so does this.
  if (typeof str !== "string" || mayHoldEncodedNumber(str)) {
    const tokenNumberStr = TokenString.forNumbers(str);
    if (tokenNumberStr.test()) {
      const fragments = tokenNumberStr.split((id) => TokenMap.instance().lookupNumberToken(parseFloat(id))!);
      str = fragments.mapTokens(makeContext(at(options, path))[0]).join(new StringConcat());
    }
  }
  return str;
}

type ResolveModule = { resolve: typeof resolve; [OWN]?: typeof resolve };
const cdktfModule = cdktfResolveModule as ResolveModule;

/** Runs `fn` with cdktf resolving tokens its own way: what the tests compare resolve() above with. */
export function withCdktfTokenResolution<T>(fn: () => T): T {
  const installed = cdktfModule.resolve;
  cdktfModule.resolve = cdktfModule[OWN] ?? installed;
  try {
    return fn();
  } finally {
    cdktfModule.resolve = installed;
  }
}

/**
 * Makes cdktf resolve tokens with resolve() above, when the installed cdktf is the release it was written for;
 * returns what puts back what was there. With another release, cdktf's stays, and a synthesis is only slower.
 */
export function fastTokenResolution(): () => void {
  if (cdktfPackage.version !== WRITTEN_FOR) return () => undefined;
  // Kept on cdktf's module, which outlives this one where jest evaluates our modules again for each test file.
  cdktfModule[OWN] ??= cdktfModule.resolve;
  const previous = cdktfModule.resolve;
  cdktfModule.resolve = resolve;
  return () => {
    cdktfModule.resolve = previous;
  };
}

/** Runs `fn` with fastTokenResolution() installed. */
export function withFastTokenResolution<T>(fn: () => T): T {
  const restore = fastTokenResolution();
  try {
    return fn();
  } finally {
    restore();
  }
}

/** Whether cdktf resolves tokens with a resolve() of this module now, rather than its own. */
export function resolvesFast(): boolean {
  return cdktfModule.resolve !== (cdktfModule[OWN] ?? cdktfModule.resolve);
}
