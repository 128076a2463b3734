"""The agent: model providers (Gemini, Ollama, offline), the tool loop, and conversations with memory."""
