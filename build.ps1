#!/usr/bin/env pwsh
# Builds the pipeline and runs it with the given arguments; the pipeline's exit code is this script's
# (0 success, 1 a task failed, 2 bad arguments or settings).
$ErrorActionPreference = 'Stop'
$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'
$env:DOTNET_NOLOGO = '1'

$project = Join-Path $PSScriptRoot 'build/Build.csproj'
$assembly = Join-Path $PSScriptRoot 'build/bin/Release/net10.0/Build.dll'

$log = dotnet build $project -c Release -nologo -v quiet -clp:ErrorsOnly 2>&1
if ($LASTEXITCODE -ne 0) {
    $log | Write-Host
    Write-Error 'build.ps1: building the pipeline failed (see above).'
    exit 1
}

dotnet $assembly @args
exit $LASTEXITCODE
