/** SOPS-encrypted secret files of a stack, applied into Secrets Manager by the deploy. */

export { sopsSecretsStack } from "./secrets-stack";
export {
  placeholderDecrypter,
  SecretFileError,
  SOPS_PLACEHOLDER,
  useSopsDecrypter,
} from "./sops-files";
