from dify_plugin import DifyPluginEnv, Plugin

# A flagged action waits for a human in the approval server (policy.timeout_seconds, 300 s by
# default), so a request may take longer than the SDK's default 300-second limit.
plugin = Plugin(DifyPluginEnv(MAX_REQUEST_TIMEOUT=360))

if __name__ == "__main__":
    plugin.run()
