// Lint: what tsc cannot say. Above all, provider classes come from their own modules: a provider package's
// root loads every resource it has (over 2,000 for AWS), seconds and hundreds of megabytes per process.
import tseslint from "typescript-eslint";

const ROOT_IMPORT = "Import the class from its module, e.g. @cdktf/provider-aws/lib/instance: the package root loads every resource.";

export default tseslint.config(
  { ignores: ["node_modules/", "dist/", "cdktf.out/", ".bench/", ".tls-test/", "coverage/"] },
  {
    files: ["**/*.ts"],
    languageOptions: { parser: tseslint.parser },
    plugins: { "@typescript-eslint": tseslint.plugin },
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: ["@cdktf/provider-aws", "@cdktf/provider-aws/lib", "@cdktf/provider-docker", "@cdktf/provider-docker/lib"].map(
            (name) => ({ name, message: ROOT_IMPORT }),
          ),
        },
      ],
      // Types-only imports say so, and load nothing at run time.
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
    },
  },
);
