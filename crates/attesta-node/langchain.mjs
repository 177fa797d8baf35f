import cjs from './lib/langchain.cjs';

export const { attestaMiddleware, gateTool, gateTools } = cjs;
export default cjs;
