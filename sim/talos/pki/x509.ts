// The simulators share one set-up of @peculiar/x509 (its provider is process-wide).
export { x509 } from '../../common/x509.ts';
