import { readFileSync } from "node:fs";
import { README, readmeWithTables } from "../../scripts/readme-tables";

test("the README's settings and policy tables are the schema's and the app's (npm run docs)", () => {
  const readme = readFileSync(README, "utf8");
  expect(readme).toBe(readmeWithTables(readme));
});
