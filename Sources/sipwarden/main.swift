/// Usage errors exit with status 2 (not ArgumentParser's 64), as the manual says.
await SipwardenCommand.mainWithUsageStatus()
