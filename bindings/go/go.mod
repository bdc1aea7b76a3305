module github.com/contrast-security-oss/contrast-auth-go

go 1.24
