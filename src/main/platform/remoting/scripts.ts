/**
 * The PowerShell 5.1 scripts the controller runs to reach a front-end, one per operation. Each is a
 * constant text: its parameters come as JSON (base64 of UTF-8, so no console code page can change
 * a byte) on stdin, and reach the remote side only as data (`-ArgumentList`), so a hostile computer
 * name, path or password cannot become code. Each opens its own session by computer name (Kerberos
 * in the domain; no TrustedHosts, no AllowUnencrypted, no explicit credentials), does its work and
 * prints one line `BREAKGLASS-RESULT <json>`: `{ "ok": true, ... }` or `{ "ok": false, "error":
 * { "fullyQualifiedErrorId", "message" } }` (the ID, because the console text wraps at its width).
 * PowerShell variable names ignore case: a local never reuses a parameter's name in another case.
 * Non-ASCII characters in that line are written as \uXXXX escapes, so the console's output code
 * page cannot garble them either.
 */

export const RESULT_MARKER = 'BREAKGLASS-RESULT ';

const PRELUDE = String.raw`$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
function Write-Result($Value) {
  $json = ConvertTo-Json -InputObject $Value -Compress -Depth 6
  $ascii = [regex]::Replace($json, '[^\u0000-\u007F]', { param($m) '\u{0:x4}' -f [int][char]$m.Value })
  [Console]::Out.WriteLine('BREAKGLASS-RESULT ' + $ascii)
}
$p = [Text.Encoding]::UTF8.GetString([Convert]::FromBase64String([Console]::In.ReadToEnd().Trim())) | ConvertFrom-Json
$s = $null
try {
  $s = New-PSSession -ComputerName $p.computerName
`;

const EPILOGUE = String.raw`
} catch {
  Write-Result @{ ok = $false; error = @{ fullyQualifiedErrorId = [string]$_.FullyQualifiedErrorId; message = [string]$_.Exception.Message } }
} finally {
  if ($s) { Remove-PSSession -Session $s }
}
`;

const script = (body: string): string => `${PRELUDE}${body.trim()}${EPILOGUE}`;

/** Opens a session and reports its State and Availability (Opened / Available when all is well). */
export const PROBE_SCRIPT = script(String.raw`
  Write-Result @{ ok = $true; state = [string]$s.State; availability = [string]$s.Availability }
`);

/**
 * Copies a local file to the remote path: the remote parent folder is created first (Copy-Item
 * -ToSession does not, "Destination folder ... does not exist"), the copy lands beside the target
 * and then replaces it (File.Replace keeps the replaced file's ACL) or takes its name.
 */
export const COPY_TO_SCRIPT = script(String.raw`
  $partial = $p.remotePath + '.breakglass-partial'
  Invoke-Command -Session $s -ArgumentList $p.remotePath -ScriptBlock {
    param($Path)
    $ErrorActionPreference = 'Stop'
    $parent = Split-Path -Path $Path -Parent
    if ($parent -and -not (Test-Path -LiteralPath $parent -PathType Container)) { New-Item -ItemType Directory -Path $parent -Force | Out-Null }
  }
  Copy-Item -LiteralPath $p.localPath -Destination $partial -ToSession $s
  Invoke-Command -Session $s -ArgumentList $partial, $p.remotePath -ScriptBlock {
    param($From, $To)
    $ErrorActionPreference = 'Stop'
    if (Test-Path -LiteralPath $To -PathType Leaf) { [System.IO.File]::Replace($From, $To, [NullString]::Value) } else { [System.IO.File]::Move($From, $To) }
  }
  Write-Result @{ ok = $true }
`);

/** Copies a remote file back when it is a file of at most maxBytes; says "missing", "folder" or "too-large" otherwise. */
export const COPY_FROM_SCRIPT = script(String.raw`
  $found = Invoke-Command -Session $s -ArgumentList $p.remotePath, $p.maxBytes -ScriptBlock {
    param($Path, $MaxBytes)
    $ErrorActionPreference = 'Stop'
    if (-not (Test-Path -LiteralPath $Path)) { return 'missing' }
    $item = Get-Item -LiteralPath $Path -Force
    if ($item.PSIsContainer) { 'folder' } elseif ($item.Length -gt $MaxBytes) { 'too-large' } else { 'file' }
  }
  if ([string]$found -eq 'file') { Copy-Item -FromSession $s -LiteralPath $p.remotePath -Destination $p.localPath }
  Write-Result @{ ok = $true; found = [string]$found }
`);

/**
 * Runs a program on the remote machine. Invoke-Command does not set the caller's $LASTEXITCODE, so
 * the exit code comes back as output; stderr lines arrive as ErrorRecords (2>&1) and are kept apart.
 */
export const RUN_SCRIPT = script(String.raw`
  $r = Invoke-Command -Session $s -ArgumentList $p.program, @($p.args), $p.cwd, @($p.env), $p.stdin -ScriptBlock {
    param($Program, $Arguments, $Directory, $Environment, $InputText)
    $ErrorActionPreference = 'Stop'
    if (-not (Get-Command -Name $Program -CommandType Application -ErrorAction SilentlyContinue)) { return @{ started = $false } }
    if ($Directory) { Set-Location -LiteralPath $Directory }
    foreach ($variable in $Environment) { if ($variable) { Set-Item -LiteralPath ('Env:' + $variable.name) -Value $variable.value } }
    $ErrorActionPreference = 'Continue'
    $output = New-Object System.Text.StringBuilder
    $errors = New-Object System.Text.StringBuilder
    $run = { if ($null -ne $InputText) { $InputText | & $Program @Arguments 2>&1 } else { & $Program @Arguments 2>&1 } }
    & $run | ForEach-Object {
      if ($_ -is [System.Management.Automation.ErrorRecord]) { [void]$errors.AppendLine($_.ToString()) } else { [void]$output.AppendLine([string]$_) }
    }
    @{ started = $true; exitCode = $LASTEXITCODE; stdout = $output.ToString(); stderr = $errors.ToString() }
  }
  Write-Result @{ ok = $true; started = [bool]$r.started; exitCode = $r.exitCode; stdout = [string]$r.stdout; stderr = [string]$r.stderr }
`);

/**
 * The services part, run remotely: Get-Service by exact name (enumerating all, whose errors for a
 * service it may not query are skipped), a stop refused while dependent
 * services run (as sc.exe refuses with 1051; ServiceController.Stop() would stop them silently),
 * then WaitForStatus up to timeoutMs.
 */
const SERVICE_BLOCK = String.raw`
    param($Operation, $Name, $TimeoutMs)
    $ErrorActionPreference = 'Stop'
    function Get-State($Item) { @{ name = [string]$Item.ServiceName; displayName = [string]$Item.DisplayName; status = [string]$Item.Status; startType = [string]$Item.StartType } }
    if ($Operation -eq 'list') { return @{ services = @(Get-Service -ErrorAction SilentlyContinue | Where-Object { $_.ServiceName.StartsWith($Name, [StringComparison]::OrdinalIgnoreCase) } | ForEach-Object { Get-State $_ }) } }
    $service = Get-Service -ErrorAction SilentlyContinue | Where-Object { $_.ServiceName -eq $Name } | Select-Object -First 1
    if (-not $service) { return @{ failure = 'missing' } }
    try {
      if ($Operation -eq 'stop' -and [string]$service.Status -ne 'Stopped') {
        $dependents = @($service.DependentServices | Where-Object { [string]$_.Status -ne 'Stopped' } | ForEach-Object { [string]$_.ServiceName })
        if ($dependents.Count -gt 0) { return @{ failure = 'failed'; win32Error = 1051; dependents = $dependents } }
        if ([string]$service.Status -ne 'StopPending') { $service.Stop() }
        $service.WaitForStatus('Stopped', [TimeSpan]::FromMilliseconds($TimeoutMs))
      }
      if ($Operation -eq 'start' -and [string]$service.Status -ne 'Running') {
        if ([string]$service.StartType -eq 'Disabled') { return @{ failure = 'disabled' } }
        if ([string]$service.Status -ne 'StartPending') { $service.Start() }
        $service.WaitForStatus('Running', [TimeSpan]::FromMilliseconds($TimeoutMs))
      }
      $service.Refresh()
      @{ service = (Get-State $service) }
    } catch {
      $cause = $_.Exception
      $win32 = $null
      $timedOut = $false
      while ($cause) {
        if ($cause -is [System.ComponentModel.Win32Exception]) { $win32 = $cause.NativeErrorCode }
        if ($cause.GetType().FullName -eq 'System.ServiceProcess.TimeoutException') { $timedOut = $true }
        $cause = $cause.InnerException
      }
      if ($timedOut) { @{ failure = 'timeout' } }
      elseif ($win32 -eq 5) { @{ failure = 'access-denied'; win32Error = 5 } }
      elseif ($win32 -eq 1058) { @{ failure = 'disabled'; win32Error = 1058 } }
      else { @{ failure = 'failed'; win32Error = $win32; message = [string]$_.Exception.Message } }
    }
`;

export type ServiceOperation = 'list' | 'status' | 'stop' | 'start';

const serviceScript = (operation: ServiceOperation): string =>
  script(String.raw`
  $r = Invoke-Command -Session $s -ArgumentList '${operation}', $p.name, $p.timeoutMs -ScriptBlock {${SERVICE_BLOCK}  }
  $copy = { param($x) @{ name = [string]$x.name; displayName = [string]$x.displayName; status = [string]$x.status; startType = [string]$x.startType } }
  $result = @{ ok = $true }
  if ($r.services) { $result.services = @($r.services | ForEach-Object { & $copy $_ }) } elseif ('${operation}' -eq 'list') { $result.services = @() }
  if ($r.service) { $result.service = (& $copy $r.service) }
  if ($r.failure) { $result.failure = [string]$r.failure; $result.win32Error = $r.win32Error; $result.message = [string]$r.message; $result.dependents = @($r.dependents | ForEach-Object { [string]$_ }) }
  Write-Result $result
`);

export const SERVICE_SCRIPTS: Readonly<Record<ServiceOperation, string>> = {
  list: serviceScript('list'),
  status: serviceScript('status'),
  stop: serviceScript('stop'),
  start: serviceScript('start'),
};

/**
 * The remote machine's preferred IPv4 addresses. Windows PowerShell 5.1's ConvertTo-Json has no
 * -AsArray: one address comes back as a JSON string, several as an array, none as nothing.
 */
export const ADDRESSES_SCRIPT = script(String.raw`
  $json = Invoke-Command -Session $s -ScriptBlock {
    $ErrorActionPreference = 'Stop'
    @(Get-NetIPAddress -AddressFamily IPv4 | Where-Object AddressState -eq 'Preferred' | ForEach-Object { $_.IPAddress }) | ConvertTo-Json -Compress
  }
  Write-Result @{ ok = $true; addresses = [string]$json }
`);

/**
 * Opens (then closes) a SQL Server connection ON the remote machine with System.Data.SqlClient, the
 * connection string built there from the data by SqlConnectionStringBuilder. Windows authentication
 * uses the remote session's identity, which Windows does not pass on to SQL Server: the second hop.
 */
export const DATABASE_LOGIN_SCRIPT = script(String.raw`
  $r = Invoke-Command -Session $s -ArgumentList $p.connection -ScriptBlock {
    param($Connection)
    $ErrorActionPreference = 'Stop'
    if ($Connection.dialect -ne 'mssql') { return @{ supported = $false } }
    $source = [string]$Connection.host
    if ($Connection.instance) { $source += '\' + $Connection.instance }
    if ($Connection.port) { $source += ',' + $Connection.port }
    $builder = New-Object System.Data.SqlClient.SqlConnectionStringBuilder
    $builder['Data Source'] = $source
    if ($Connection.database) { $builder['Initial Catalog'] = [string]$Connection.database }
    if ($Connection.integratedSecurity) { $builder['Integrated Security'] = $true } else { $builder['User ID'] = [string]$Connection.user; $builder['Password'] = [string]$Connection.password }
    $builder['Encrypt'] = [bool]$Connection.encrypt
    $builder['TrustServerCertificate'] = [bool]$Connection.trustServerCertificate
    $builder['Connect Timeout'] = [int]$Connection.connectTimeoutSeconds
    $builder['Application Name'] = 'Breakglass login test'
    $sql = New-Object System.Data.SqlClient.SqlConnection $builder.ConnectionString
    try {
      $sql.Open()
      @{ supported = $true; connected = $true; serverVersion = [string]$sql.ServerVersion }
    } catch {
      $cause = $_.Exception
      while ($cause.InnerException -and -not ($cause -is [System.Data.SqlClient.SqlException])) { $cause = $cause.InnerException }
      $number = $null
      if ($cause -is [System.Data.SqlClient.SqlException]) { $number = $cause.Number }
      @{ supported = $true; connected = $false; number = $number; message = [string]$cause.Message }
    } finally {
      $sql.Dispose()
    }
  }
  Write-Result @{ ok = $true; supported = [bool]$r.supported; connected = [bool]$r.connected; serverVersion = [string]$r.serverVersion; number = $r.number; message = [string]$r.message }
`);

/** Every script by operation name: what the simulated PowerShell recognises, and nothing else. */
export const REMOTING_SCRIPTS = {
  probe: PROBE_SCRIPT,
  'copy-to': COPY_TO_SCRIPT,
  'copy-from': COPY_FROM_SCRIPT,
  run: RUN_SCRIPT,
  'service-list': SERVICE_SCRIPTS.list,
  'service-status': SERVICE_SCRIPTS.status,
  'service-stop': SERVICE_SCRIPTS.stop,
  'service-start': SERVICE_SCRIPTS.start,
  addresses: ADDRESSES_SCRIPT,
  'database-login': DATABASE_LOGIN_SCRIPT,
} as const;

export type RemotingOperation = keyof typeof REMOTING_SCRIPTS;
