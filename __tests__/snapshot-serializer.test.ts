// The snapshot serializer: long strings as their lines, so a change to one line is one line of diff.
import { format } from "pretty-format";

const serializer = require("./snapshot-serializer");
const render = (value: unknown) => format(value, { plugins: [serializer], indent: 2 }).split("\n");
const script = Array.from({ length: 60 }, (_, i) => `echo "step ${i}" >> /var/log/boot.log`).join("\n");

test("a one-line change in a boot script is a one-line change in the snapshot", () => {
  const before = render({ user_data: script });
  const after = render({ user_data: script.replace('"step 30"', '"step thirty"') });
  expect(before).toHaveLength(after.length);
  expect(before.filter((line, i) => line !== after[i])).toEqual(['    echo "step 30" >> /var/log/boot.log']);
});

test("a JSON document in a string is shown as indented JSON", () => {
  const definitions = JSON.stringify([{ name: "web", image: "nginx:1.27.3", environment: [{ name: "A", value: "1" }] }]);
  expect(render({ container_definitions: definitions })).toContain('        "image": "nginx:1.27.3",');
});

test("a Terraform call on a boot script shows the script", () => {
  const expression = `\${base64encode(${JSON.stringify(script)})}`;
  const lines = render({ user_data: expression });
  expect(lines).toContain("  \"user_data\": ${base64encode(Text \"\"\"");
  expect(lines).toContain('    echo "step 59" >> /var/log/boot.log');
});

test("short strings stay as they are", () => {
  expect(render({ name: "soa-web" })).toEqual(["Object {", '  "name": "soa-web",', "}"]);
});
