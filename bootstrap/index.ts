// Pulumi entry point of the bootstrap project (bootstrap/Pulumi.yaml).
import { bootstrapMain } from "../src/bootstrap-program";

export = bootstrapMain;
