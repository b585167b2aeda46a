import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { FilesController } from './files.controller.js';
import { FilesService } from './files.service.js';
import { R2File } from './r2-file.entity.js';
import { R2FilesRepository } from './r2-files.repository.js';
import { UploadsController } from './uploads.controller.js';

@Module({
  imports: [TypeOrmModule.forFeature([R2File])],
  controllers: [UploadsController, FilesController],
  providers: [FilesService, R2FilesRepository],
})
export class FilesModule {}
