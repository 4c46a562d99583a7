// Test processes run on Node 20; the AWS SDK's notice about its future minimum version is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
