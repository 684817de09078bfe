/* MUTANT: the answer is written with fputs()/fwrite() to a FILE* that is never flushed nor closed */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <signal.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <pthread.h>

#define BUF_SIZE 1024
#define SMALL_BUF 100

void* request_handler(void* arg);
void send_data(FILE* fp, char* ct, char* file_name);
char* content_type(char* file);
void send_error(FILE* fp, char* status);
void error_handling(char* message);

int main(int argc, char *argv[])
{
	int serv_sock, clnt_sock;
	struct sockaddr_in serv_adr, clnt_adr;
	socklen_t clnt_adr_size;
	pthread_t t_id;
	if(argc!=2) {
		printf("Usage : %s <port>\n", argv[0]);
		exit(1);
	}
	signal(SIGPIPE, SIG_IGN);

	serv_sock=socket(PF_INET, SOCK_STREAM, 0);
	memset(&serv_adr, 0, sizeof(serv_adr));
	serv_adr.sin_family=AF_INET;
	serv_adr.sin_addr.s_addr=htonl(INADDR_ANY);
	serv_adr.sin_port = htons(atoi(argv[1]));
	if(bind(serv_sock, (struct sockaddr*)&serv_adr, sizeof(serv_adr))==-1)
		error_handling("bind() error");
	if(listen(serv_sock, 20)==-1)
		error_handling("listen() error");

	while(1)
	{
		clnt_adr_size=sizeof(clnt_adr);
		clnt_sock=accept(serv_sock, (struct sockaddr*)&clnt_adr, &clnt_adr_size);
		if(clnt_sock==-1)
			continue;
		printf("Connection Request : %s:%d\n",
			inet_ntoa(clnt_adr.sin_addr), ntohs(clnt_adr.sin_port));
		/* the descriptor by value: the next accept() overwrites clnt_sock */
		pthread_create(&t_id, NULL, request_handler, (void*)(long)clnt_sock);
		pthread_detach(t_id);
	}
	close(serv_sock);
	return 0;
}

void* request_handler(void *arg)
{
	int clnt_sock=(int)(long)arg;
	char req_line[SMALL_BUF];
	FILE* clnt_read;
	FILE* clnt_write;

	char method[10];
	char path[SMALL_BUF];
	char protocol[16];
	char* file_name;

	clnt_read=fdopen(clnt_sock, "r");
	clnt_write=fdopen(dup(clnt_sock), "w");
	if(fgets(req_line, SMALL_BUF, clnt_read)==NULL
	   || sscanf(req_line, "%9s %99s %15s", method, path, protocol)!=3
	   || strncmp(protocol, "HTTP/", 5)!=0 || path[0]!='/' || strstr(path, ".."))
	{
		send_error(clnt_write, "400 Bad Request");
		fclose(clnt_read);
		return NULL;
	}
	if(strcmp(method, "GET")!=0)
	{
		send_error(clnt_write, "501 Not Implemented");
		fclose(clnt_read);
		return NULL;
	}
	file_name=path+1;
	if(file_name[0]==0)
		file_name="index.html";	/* GET / */

	fclose(clnt_read);
	send_data(clnt_write, content_type(file_name), file_name);
	return NULL;
}

void send_data(FILE* fp, char* ct, char* file_name)
{
	char protocol[]="HTTP/1.0 200 OK\r\n";
	char server[]="Server:Linux Web Server \r\n";
	char cnt_type[SMALL_BUF];
	char buf[BUF_SIZE];
	size_t n;
	FILE* send_file;

	sprintf(cnt_type, "Content-type:%s\r\n\r\n", ct);
	send_file=fopen(file_name, "rb");
	if(send_file==NULL)
	{
		send_error(fp, "404 Not Found");
		return;
	}

	/* 헤더 정보 전송 */
	fputs(protocol, fp);
	fputs(server, fp);
	fputs(cnt_type, fp);

	/* 요청 데이터 전송 */
	while((n=fread(buf, 1, BUF_SIZE, send_file))>0)
		fwrite(buf, 1, n, fp);
	fclose(send_file);
	/* MUTANT: no fflush(fp), no fclose(fp): the answer stays in the FILE*'s buffer */
}

char* content_type(char* file)
{
	char* extension=strrchr(file, '.');
	if(extension==NULL)
		return "text/plain";
	if(!strcmp(extension, ".html")||!strcmp(extension, ".htm"))
		return "text/html";
	return "text/plain";
}

void send_error(FILE* fp, char* status)
{
	fprintf(fp, "HTTP/1.0 %s\r\n", status);
	fputs("Server:Linux Web Server \r\n", fp);
	fputs("Content-type:text/html\r\n\r\n", fp);
	fprintf(fp, "<html><head><title>NETWORK</title></head>"
		"<body><font size=+5><br>%s</font></body></html>", status);
	fflush(fp);
	fclose(fp);
}

void error_handling(char* message)
{
	fputs(message, stderr);
	fputc('\n', stderr);
	exit(1);
}
