# escape=`
from mcr.microsoft.com/windows/servercore:ltsc2022
run   powershell -Command `
      Write-Host  hello `
      ;   Write-Host  world
workdir   c:\app\
copy  a.txt  c:\app\
