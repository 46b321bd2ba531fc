// The mocked apply `npm run test:terraform -- settings` writes for the user's settings: the values it gives the mocked
// provider are those of the settings' region (the run itself, with Terraform, is in CI's npm run test:terraform).
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { plainApply } from "../../commands/terraform-checks";

const config = { resource: { aws_eip: { host: {} }, aws_instance: { host: {} } }, data: { aws_availability_zones: { zones: {} } } };

test.each([
  ["us-west-1", "ec2-198-51-100-7.us-west-1.compute.amazonaws.com", '["us-west-1a","us-west-1b","us-west-1c"]'],
  ["us-east-1", "ec2-198-51-100-7.compute-1.amazonaws.com", '["us-east-1a","us-east-1b","us-east-1c"]'],
  ["eu-central-1", "ec2-198-51-100-7.eu-central-1.compute.amazonaws.com", '["eu-central-1a","eu-central-1b","eu-central-1c"]'],
])("in %s, the Elastic IP's public name and the zones are the region's", (region, dns, zones) => {
  const file = join(mkdtempSync(join(tmpdir(), "plain-apply-")), "settings.json");
  writeFileSync(file, JSON.stringify({ region }));
  const test = plainApply(config, { name: "settings", settingsFile: file });
  expect(test).toContain(`override_resource {\n  target = aws_eip.host\n  values = { public_ip = "198.51.100.7", public_dns = "${dns}" }\n}`);
  expect(test).toContain(`values = { names = ${zones} }`);
});
