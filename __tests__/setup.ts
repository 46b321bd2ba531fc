import "cdktf/lib/testing/adapters/jest"; // the matchers' type declarations
import { Testing } from "cdktf";

// cdktf's matchers: toHaveResource, toHaveResourceWithProperties, toHaveDataSourceWithProperties, ...
Testing.setupJest();
