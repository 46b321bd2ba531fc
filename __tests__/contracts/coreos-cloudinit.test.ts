// The contract itself: each rule it takes from coreos-cloudinit's source catches what that parser would drop or
// refuse. (What we render is held to it in __tests__/constructs/docker-host.test.ts.)
import { cloudConfigProblems, decodedContent } from "./coreos-cloudinit";

const ok = `#cloud-config
write_files:
  - path: /etc/x
    permissions: "0644"
    owner: root:root
    encoding: b64
    content: aGVsbG8K
coreos:
  update:
    reboot_strategy: "reboot"
  locksmith:
    window_start: "Sun 04:00"
    window_length: "1h"
  units:
    - name: a.service
      enable: true
      command: start
      content: |
        [Service]
      drop_ins:
        - name: 10-x.conf
          content: |
            [Service]
`;

test("a config of keys and values coreos-cloudinit reads is accepted", () => {
  expect(cloudConfigProblems(ok)).toEqual([]);
});

test.each([
  ["a dashed key, which the parser ignores since 2024", ok.replace("drop_ins:", "drop-ins:"), /units\.0\.drop-ins: not a key of Unit; .*reads only "drop_ins"/],
  ["a dashed update key", ok.replace("reboot_strategy", "reboot-strategy"), /update\.reboot-strategy: not a key of Update.*"reboot_strategy"/],
  ["an unknown top-level key (cloud-init's, not coreos-cloudinit's)", `${ok}runcmd:\n  - echo\n`, /^runcmd: not a key of CloudConfig/],
  ["a deprecated section", ok.replace("  update:", "  etcd2:\n    name: x\n  update:"), /coreos\.etcd2: not a key of CoreOS/],
  ["permissions as a YAML 1.1 octal number", ok.replace('"0644"', "0644"), /permissions: expected a string under YAML 1\.1 and 1\.2/],
  ["reboot_strategy off unquoted (a YAML 1.1 boolean)", ok.replace('"reboot"', "off"), /reboot_strategy: expected a string under YAML 1\.1/],
  ["a command outside the pattern", ok.replace("command: start", "command: enable"), /command: "enable" does not match/],
  ["enable as a string", ok.replace("enable: true", 'enable: "true"'), /enable: expected true or false/],
  ["an encoding outside the pattern", ok.replace("encoding: b64", "encoding: base32"), /encoding: "base32" does not match/],
  ["a window start locksmith cannot read", ok.replace("Sun 04:00", "Sunday 4am"), /window_start: "Sunday 4am" does not match/],
  ["permissions out of range", ok.replace('"0644"', '"0o644"'), /permissions: "0o644" does not match/],
  ["a variable coreos-cloudinit substitutes", ok.replace("[Service]\n      drop_ins", "[Service]\n        Environment=IP=$private_ipv4\n      drop_ins"), /\$private_ipv4 would be replaced/],
  ["no #cloud-config header", ok.replace("#cloud-config\n", ""), /first line must be "#cloud-config"/],
  ["a list where a mapping belongs", ok.replace("  update:\n    reboot_strategy: \"reboot\"", "  update:\n    - reboot"), /coreos\.update: expected a mapping/],
])("refuses %s", (_name, text, problem) => {
  expect(cloudConfigProblems(text)).toContainEqual(expect.stringMatching(problem));
});

test("decodes base64 content as Go's strict decoder does", () => {
  expect(decodedContent({ encoding: "b64", content: "aGVsbG8K" }).toString()).toBe("hello\n");
  expect(() => decodedContent({ encoding: "b64", content: "aGVsbG8K!!" })).toThrow(/canonical base64/);
  expect(decodedContent({ content: "plain" }).toString()).toBe("plain");
});
