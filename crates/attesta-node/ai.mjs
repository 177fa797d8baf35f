import cjs from './lib/ai.cjs';

export const { attestaToolApproval, gateTools } = cjs;
export default cjs;
