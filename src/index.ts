// Pulumi entry point (Pulumi.yaml `main`): the exported function's result becomes the stack outputs.
import { main } from "./program";

export = main;
